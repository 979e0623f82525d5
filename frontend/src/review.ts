import { formatDateTime, t } from './i18n';
// The run page's review card: a lead's decision (who, when, comment), tags and a note, archive.
import { api, ApiError, type Run } from './api';
import { h } from './dom';
import { isLead, mayChange } from './session';

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

export function reviewView(run: Run, onChange: (r: Run) => void): HTMLElement {
  const message = h('p', { class: 'error', role: 'alert' });
  const act = (work: () => Promise<Run>) => async () => {
    message.textContent = '';
    try {
      onChange(await work());
    } catch (err) {
      message.textContent = err instanceof ApiError ? err.message : String(err);
    }
  };
  const parts: (HTMLElement | null)[] = [h('h2', {}, t('review.title'))];
  parts.push(
    run.review
      ? h(
          'p',
          { 'data-testid': 'review-decision' },
          h('span', { class: `badge review-${run.review.decision}` }, run.review.decision),
          t('review.byOn', { by: run.review.by, at: formatDateTime(run.review.at) }),
          run.review.comment ? `: ` : '',
          run.review.comment ? h('q', {}, run.review.comment) : '',
        )
      : h('p', { class: 'hint', 'data-testid': 'review-decision' }, t('review.notYet')),
  );
  if (run.reviewRequest && !run.review) {
    parts.push(
      h(
        'p',
        { class: 'badge-line', 'data-testid': 'review-requested' },
        h('span', { class: 'badge review-waiting' }, t('review.waiting')),
        ' ',
        t('review.askedBy', { by: run.reviewRequest.by, at: formatDateTime(run.reviewRequest.at) }),
        run.reviewRequest.note ? ': ' : '',
        run.reviewRequest.note ? h('q', {}, run.reviewRequest.note) : '',
      ),
    );
  } else if (!run.review && mayChange(run) && TERMINAL.includes(run.state)) {
    // The one who launched it asks the team's leads; they are told in the app and by webhook.
    const note = h('textarea', {
      rows: 2,
      'aria-label': t('review.askNote'),
      placeholder: t('review.askNotePlaceholder'),
    }) as HTMLTextAreaElement;
    const ask = h('button', { class: 'secondary', 'data-testid': 'ask-review' }, t('review.ask'));
    ask.addEventListener(
      'click',
      act(() => api.askForReview(run.id, { note: note.value })),
    );
    parts.push(h('details', { 'data-testid': 'ask-review-box' }, h('summary', {}, t('review.ask')), note, ask));
  }
  if (run.archivedAt) parts.push(h('p', { class: 'warning' }, t('review.archived', { at: formatDateTime(run.archivedAt) })));
  if (isLead() && TERMINAL.includes(run.state)) {
    const comment = h('textarea', {
      rows: 2,
      'aria-label': t('review.comment'),
      placeholder: t('review.commentPlaceholder'),
    }) as HTMLTextAreaElement;
    const approve = h('button', { 'data-testid': 'approve' }, t('review.approve'));
    const reject = h('button', { class: 'danger', 'data-testid': 'reject' }, t('review.reject'));
    approve.addEventListener(
      'click',
      act(() => api.review(run.id, { decision: 'approved', comment: comment.value })),
    );
    reject.addEventListener(
      'click',
      act(() => api.review(run.id, { decision: 'rejected', comment: comment.value })),
    );
    const archive = h(
      'button',
      { class: 'secondary', 'data-testid': run.archivedAt ? 'restore' : 'archive' },
      run.archivedAt ? t('review.restore') : t('review.archive'),
    );
    archive.addEventListener(
      'click',
      act(() => (run.archivedAt ? api.restore(run.id) : api.archive(run.id))),
    );
    parts.push(comment, h('div', { class: 'actions' }, approve, reject, archive));
  }
  parts.push(
    h('p', {}, t('review.tags'), ...(run.tags.length ? run.tags.map((tag) => h('span', { class: 'tag' }, tag)) : [t('review.noTags')])),
  );
  if (run.remarks) parts.push(h('p', { 'data-testid': 'remarks' }, t('review.note'), run.remarks));
  if (mayChange(run)) {
    const tags = h('input', {
      type: 'text',
      value: run.tags.join(', '),
      'aria-label': t('review.tagsLabel'),
      placeholder: t('review.tagsPlaceholder'),
    }) as HTMLInputElement;
    const remarks = h('textarea', {
      rows: 2,
      'aria-label': t('review.noteLabel'),
      placeholder: t('review.notePlaceholder'),
    }) as HTMLTextAreaElement;
    remarks.value = run.remarks ?? '';
    const save = h('button', { class: 'secondary', 'data-testid': 'save-annotation' }, t('review.save'));
    save.addEventListener(
      'click',
      act(() =>
        api.annotate(run.id, {
          tags: tags.value
            .split(',')
            .map((tag) => tag.trim())
            .filter((tag) => tag),
          remarks: remarks.value,
        }),
      ),
    );
    parts.push(h('details', {}, h('summary', {}, t('review.edit')), tags, remarks, save));
  }
  parts.push(message);
  return h('section', { class: 'card', 'data-testid': 'review' }, ...parts);
}
