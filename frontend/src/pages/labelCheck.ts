import { formatNumber, t } from '../i18n';
import { api, ApiError, type Dataset, type LabelCheck, type LabelDecision, type LabelIssue, type LabelOutlier } from '../api';
import { h } from '../dom';

/** Rows shown before "Show all": a long list of photos is slow to look through and to load. */
const FIRST_ROWS = 60;

/** How often a running check is asked for news. */
const POLL_MS = 3000;

/**
 * "Check labels" on a dataset version (T16): start a check, follow its fold runs, then go through
 * the photos it flags (move to the suggested class, keep, or remove) and apply the choices at
 * once, which makes a new dataset version.
 */
export function labelCheckSection(d: Dataset): HTMLElement {
  const body = h('div', {});
  const section = h(
    'section',
    { class: 'card', 'aria-label': t('labels.title'), 'data-testid': 'label-check' },
    h('h2', {}, t('labels.title')),
    h('p', { class: 'hint' }, t('labels.intro')),
    body,
  );
  let shownState = '';
  const refresh = async () => {
    if (!section.isConnected && shownState) return;
    let checks: LabelCheck[];
    try {
      checks = await api.labelChecks(d.id);
    } catch (err) {
      body.replaceChildren(h('p', { class: 'error', role: 'alert' }, err instanceof ApiError ? err.message : String(err)));
      // A dropped connection is not the end of a running check: ask again a little later.
      shownState = 'error';
      window.setTimeout(() => void refresh(), POLL_MS * 2);
      return;
    }
    const latest = checks[0] ?? null;
    // Only a change of state (or of progress) rebuilds: choices being made are left alone.
    const state = latest ? `${latest.id}:${latest.state}:${latest.foldsDone}:${latest.appliedDatasetId ?? ''}` : 'none';
    if (state !== shownState) {
      shownState = state;
      body.replaceChildren(...view(d, latest, refresh));
    }
    if (latest?.state === 'running') window.setTimeout(() => void refresh(), POLL_MS);
  };
  void refresh();
  return section;
}

function view(d: Dataset, check: LabelCheck | null, refresh: () => Promise<void>): Node[] {
  const error = h('p', { class: 'error', role: 'alert' });
  const start = h(
    'button',
    { type: 'button', 'data-testid': 'start-label-check' },
    t(check ? 'labels.again' : 'labels.start'),
  ) as HTMLButtonElement;
  start.addEventListener('click', async () => {
    start.disabled = true;
    error.textContent = '';
    try {
      await api.startLabelCheck(d.id);
      await refresh();
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : String(err);
      start.disabled = false;
    }
  });
  if (!check) return [start, error];
  if (check.state === 'running') {
    const cancel = h('button', { type: 'button', class: 'secondary' }, t('labels.cancel')) as HTMLButtonElement;
    cancel.addEventListener('click', async () => {
      cancel.disabled = true;
      try {
        await api.cancelLabelCheck(check.id);
        await refresh();
      } catch (err) {
        error.textContent = err instanceof ApiError ? err.message : String(err);
        cancel.disabled = false;
      }
    });
    return [
      h(
        'p',
        { 'data-testid': 'label-check-progress', role: 'status' },
        t('labels.running', { done: check.foldsDone, folds: check.folds }),
        ' ',
        ...check.foldRuns.flatMap((id, i) => [h('a', { href: `#/runs/${id}` }, t('labels.fold', { n: i + 1 })), ' ']),
      ),
      cancel,
      error,
    ];
  }
  if (check.state !== 'succeeded' || !check.findings) {
    return [
      h(
        'p',
        { class: 'warning', 'data-testid': 'label-check-ended' },
        t(`labels.${check.state === 'cancelled' ? 'cancelled' : 'failed'}`, { reason: check.reason ?? '' }),
      ),
      start,
      error,
    ];
  }
  const f = check.findings;
  const summary = h(
    'p',
    { 'data-testid': 'label-check-summary' },
    f.issues.length === 0
      ? t('labels.noneFound', { images: formatNumber(f.images) })
      : t('labels.found', { n: f.issues.length, images: formatNumber(f.images) }) +
          (f.estimatedErrors > f.issues.length ? ' ' + t('labels.estimated', { estimated: formatNumber(f.estimatedErrors) }) : ''),
    f.keptBefore > 0 ? ' ' + t('labels.keptBefore', { n: f.keptBefore }) : '',
  );
  if (check.appliedDatasetId != null) {
    return [
      summary,
      h(
        'p',
        { 'data-testid': 'label-check-applied' },
        t('labels.applied'),
        ' ',
        h('a', { href: `#/datasets/${check.appliedDatasetId}` }, t('labels.newVersion')),
      ),
    ];
  }
  if (f.issues.length === 0 && f.outliers.length === 0) return [summary, start, error];
  return [summary, choices(d, check, f.issues, f.outliers), start, error];
}

/** The flagged photos, each with its three choices, and one button that applies them all. */
function choices(d: Dataset, check: LabelCheck, issues: LabelIssue[], outliers: LabelOutlier[]): HTMLElement {
  const rows: { element: HTMLElement; read: () => LabelDecision | null }[] = [];
  const issueList = h('ul', { class: 'label-issues', 'data-testid': 'label-issues' });
  issues.forEach((issue, i) => {
    const row = choiceRow(d, `issue-${i}`, issue.imageId, issue.given, issue.suggested, issue.sure ? 'sure' : 'maybe');
    rows.push(row);
    if (i >= FIRST_ROWS) row.element.hidden = true;
    issueList.append(row.element);
  });
  const more =
    issues.length > FIRST_ROWS
      ? (h('button', { type: 'button', class: 'secondary' }, t('labels.showAll', { n: issues.length })) as HTMLButtonElement)
      : null;
  more?.addEventListener('click', () => {
    issueList.querySelectorAll('li').forEach((li) => ((li as HTMLElement).hidden = false));
    more.remove();
  });
  const outlierList = h('ul', { class: 'label-issues', 'data-testid': 'label-outliers' });
  outliers.forEach((o, i) => {
    const row = choiceRow(d, `outlier-${i}`, o.imageId, o.given, o.best, 'outlier');
    rows.push(row);
    outlierList.append(row.element);
  });
  const error = h('p', { class: 'error', role: 'alert' });
  const done = h('p', { role: 'status', 'data-testid': 'label-fix-result' });
  const apply = h('button', { type: 'submit', 'data-testid': 'apply-label-fixes' }, t('labels.apply')) as HTMLButtonElement;
  const form = h(
    'form',
    { 'aria-label': t('labels.choices') },
    issues.length ? h('h3', {}, t('labels.issuesTitle')) : null,
    issues.length ? h('p', { class: 'hint' }, t('labels.issuesHint')) : null,
    issueList,
    more,
    outliers.length
      ? h(
          'details',
          {},
          h('summary', {}, t('labels.outliersTitle', { n: outliers.length })),
          h('p', { class: 'hint' }, t('labels.outliersHint')),
          outlierList,
        )
      : null,
    apply,
    error,
    done,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    // Only the rows the person could see: a hidden one is never moved on their behalf.
    const decisions = rows
      .filter((r) => !r.element.hidden)
      .map((r) => r.read())
      .filter((x): x is LabelDecision => x !== null);
    if (decisions.length === 0) {
      error.textContent = t('labels.nothingChosen');
      return;
    }
    apply.disabled = true;
    error.textContent = '';
    try {
      const result = await api.fixLabels(check.id, decisions);
      done.replaceChildren(
        t('labels.fixed', { moved: result.moved, removed: result.removed, kept: result.kept }),
        ' ',
        result.dataset
          ? h(
              'a',
              { href: `#/datasets/${result.dataset.id}`, 'data-testid': 'fixed-version' },
              t('labels.openVersion', { version: result.dataset.version }),
            )
          : '',
      );
      // The choices are spent: what they did stays in view (a reload shows the applied check).
      form.replaceChildren(done);
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : String(err);
      apply.disabled = false;
    }
  });
  return form;
}

/**
 * One photo with move / keep / remove: a sure label error starts on "move"; a possible one and an
 * outlier start undecided (nothing happens to them unless the person chooses).
 */
function choiceRow(d: Dataset, key: string, imageId: string, given: string, other: string, kind: 'sure' | 'maybe' | 'outlier') {
  const suggestMove = kind === 'sure';
  const name = `label-${key}`;
  const option = (value: string, label: string, checked: boolean) => {
    const input = h('input', { type: 'radio', name, value, checked }) as HTMLInputElement;
    return { input, label: h('label', {}, input, ' ', label) };
  };
  const move = option('move', t('labels.moveTo', { to: other }), suggestMove);
  const keep = option('keep', t('labels.keepIn', { given }), false);
  const remove = option('remove', t('labels.remove'), false);
  const src = `/api/datasets/${d.id}/images?path=${encodeURIComponent(imageId)}`;
  const element = h(
    'li',
    { class: 'label-issue', 'data-image': imageId, 'data-kind': kind },
    h(
      'a',
      { href: src, target: '_blank', title: imageId },
      h('img', { src, alt: t('labels.photoAlt', { given, other }), loading: 'lazy' }),
    ),
    h(
      'div',
      {},
      h('p', {}, t(kind === 'sure' ? 'labels.looksLike' : kind === 'maybe' ? 'labels.mightBe' : 'labels.fitsNone', { given, other })),
      h('fieldset', {}, h('legend', { class: 'sr-only' }, imageId), move.label, keep.label, remove.label),
    ),
  );
  return {
    element,
    read: (): LabelDecision | null => {
      if (move.input.checked) return { imageId, action: 'move', to: other };
      if (keep.input.checked) return { imageId, action: 'keep', to: null };
      if (remove.input.checked) return { imageId, action: 'remove', to: null };
      return null;
    },
  };
}
