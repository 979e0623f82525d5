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
  const parts: (HTMLElement | null)[] = [h('h2', {}, 'Review')];
  parts.push(run.review
    ? h('p', { 'data-testid': 'review-decision' }, h('span', { class: `badge review-${run.review.decision}` }, run.review.decision),
      ` by ${run.review.by} on ${new Date(run.review.at).toLocaleString()}`, run.review.comment ? `: ` : '',
      run.review.comment ? h('q', {}, run.review.comment) : '')
    : h('p', { class: 'hint', 'data-testid': 'review-decision' }, 'Not reviewed yet.'));
  if (run.archivedAt) parts.push(h('p', { class: 'warning' }, `Archived on ${new Date(run.archivedAt).toLocaleString()}: hidden from the run table unless “Show archived” is on.`));
  if (isLead() && TERMINAL.includes(run.state)) {
    const comment = h('textarea', { rows: 2, 'aria-label': 'Review comment', placeholder: 'Why (shown with the decision)' }) as HTMLTextAreaElement;
    const approve = h('button', { 'data-testid': 'approve' }, 'Approve');
    const reject = h('button', { class: 'danger', 'data-testid': 'reject' }, 'Reject');
    approve.addEventListener('click', act(() => api.review(run.id, { decision: 'approved', comment: comment.value })));
    reject.addEventListener('click', act(() => api.review(run.id, { decision: 'rejected', comment: comment.value })));
    const archive = h('button', { class: 'secondary', 'data-testid': run.archivedAt ? 'restore' : 'archive' }, run.archivedAt ? 'Restore' : 'Archive');
    archive.addEventListener('click', act(() => (run.archivedAt ? api.restore(run.id) : api.archive(run.id))));
    parts.push(comment, h('div', { class: 'actions' }, approve, reject, archive));
  }
  parts.push(h('p', {}, 'Tags: ', ...(run.tags.length ? run.tags.map((t) => h('span', { class: 'tag' }, t)) : ['none'])));
  if (run.remarks) parts.push(h('p', { 'data-testid': 'remarks' }, 'Note: ', run.remarks));
  if (mayChange(run)) {
    const tags = h('input', { type: 'text', value: run.tags.join(', '), 'aria-label': 'Tags (comma-separated)', placeholder: 'baseline, candidate' }) as HTMLInputElement;
    const remarks = h('textarea', { rows: 2, 'aria-label': 'Note', placeholder: 'A note for the team' }) as HTMLTextAreaElement;
    remarks.value = run.remarks ?? '';
    const save = h('button', { class: 'secondary', 'data-testid': 'save-annotation' }, 'Save tags and note');
    save.addEventListener('click', act(() => api.annotate(run.id, {
      tags: tags.value.split(',').map((t) => t.trim()).filter((t) => t), remarks: remarks.value })));
    parts.push(h('details', {}, h('summary', {}, 'Edit tags and note'), tags, remarks, save));
  }
  parts.push(message);
  return h('section', { class: 'card', 'data-testid': 'review' }, ...parts);
}
