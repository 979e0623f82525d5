import { t, type MessageKey } from './i18n';
import { codeLink, codeList, withCodes } from './glossary';
import { evidenceSentence, fieldLabel } from './evidence';
import { api, ApiError, type Run, type Suggestion } from './api';
import { formatPercent, h } from './dom';
import { mayChange } from './session';

/** Why the first suggestion is the one to try first, by rule (the order is core's Diagnosis). */
const FIRST_BECAUSE: Record<string, MessageKey> = {
  A4: 'advice.first.A4',
  A3: 'advice.first.A3',
  A9: 'advice.first.A9',
  A8: 'advice.first.A8',
  A1: 'advice.first.A1',
  A2: 'advice.first.A2',
  A7: 'advice.first.A7',
  A5: 'advice.first.A5',
  A6: 'advice.first.A6',
};

/** The suggestions panel: each rule that fired, why, what it would change, and "Apply as new run". */
export function suggestionsView(run: Run, suggestions: Suggestion[]): HTMLElement {
  if (suggestions.length === 0) {
    return h(
      'section',
      { class: 'card suggestions', 'data-testid': 'suggestions' },
      h('h2', {}, t('advice.title')),
      h('p', { class: 'hint' }, t('advice.none')),
    );
  }
  return h(
    'section',
    { class: 'card suggestions', 'data-testid': 'suggestions' },
    h('h2', {}, t('advice.title')),
    ...suggestions.map((s, i) => card(run, s, i === 0 && s.active)),
  );
}

/** One suggestion; the first that holds says it is the one to try first, and why (issue 15). */
function card(run: Run, s: Suggestion, first: boolean): HTMLElement {
  const error = h('p', { class: 'error', role: 'alert' });
  const changes = h(
    'ul',
    { class: 'patch' },
    ...Object.entries(s.patch).map(([field, to]) =>
      h('li', { title: field }, h('strong', {}, fieldLabel(field)), `: ${show(run.recipe[field])} → ${show(to)}`),
    ),
  );
  const evidence = h(
    'div',
    { class: 'evidence' },
    h('p', { 'data-testid': 'evidence' }, t('advice.why'), evidenceSentence(s.evidence)),
    h(
      'details',
      {},
      h('summary', {}, t('advice.numbers')),
      h('code', { class: 'hint', 'data-testid': 'evidence-numbers' }, numbers(s.evidence)),
    ),
  );
  const actions = h('div', { class: 'actions' });
  if (s.appliedRunId !== null) {
    actions.append(h('a', { href: `#/runs/${s.appliedRunId}` }, t('advice.applied', { id: s.appliedRunId })));
  } else if (!mayChange(run)) {
    actions.append(h('p', { class: 'hint' }, t('advice.onlyOwner', { user: run.createdBy })));
  } else {
    const apply = h('button', { type: 'button' }, t('advice.apply')) as HTMLButtonElement;
    apply.addEventListener('click', async () => {
      apply.disabled = true;
      try {
        const child = await api.applySuggestion(run.id, s.id);
        location.hash = `#/runs/${child.id}`;
      } catch (err) {
        error.textContent = err instanceof ApiError ? err.message : String(err);
        apply.disabled = false;
      }
    });
    actions.append(apply);
  }
  const firstNote =
    first && FIRST_BECAUSE[s.ruleId]
      ? h('p', { class: 'try-first', 'data-testid': 'try-first' }, h('strong', {}, t('advice.tryFirst')), ' ', t(FIRST_BECAUSE[s.ruleId]))
      : null;
  return h(
    'article',
    {
      class: `suggestion severity-${s.severity}${s.active ? '' : ' inactive'}${first ? ' first' : ''}`,
      'data-rule': s.ruleId,
      'data-suggestion': s.id,
    },
    h(
      'h3',
      {},
      h('span', { class: 'badge' }, codeLink(s.ruleId)),
      ` ${s.title}`,
      s.active ? '' : h('span', { class: 'hint' }, ` ${t('advice.gone')}`),
    ),
    firstNote,
    h('p', {}, ...withCodes(s.explanation)),
    h('p', { class: 'tricks' }, t('advice.tricks'), ...codeList(s.trickIds)),
    h('p', {}, t('advice.changes')),
    changes,
    evidence,
    actions,
    error,
  );
}

function numbers(evidence: Record<string, unknown>): string {
  return Object.entries(evidence)
    .map(([k, v]) => `${k} ${show(v)}`)
    .join(', ');
}

/**
 * The parts of a suggestion that change while its rule keeps holding: the evidence, written into
 * the cards already shown, so a focused Apply button is not rebuilt every epoch.
 */
export function updateEvidence(root: HTMLElement, suggestions: Suggestion[]): void {
  for (const s of suggestions) {
    const card = root.querySelector(`[data-suggestion="${s.id}"]`);
    const sentence = card?.querySelector('[data-testid=evidence]');
    if (sentence) sentence.textContent = t('advice.why') + evidenceSentence(s.evidence);
    const raw = card?.querySelector('[data-testid=evidence-numbers]');
    if (raw) raw.textContent = numbers(s.evidence);
  }
}

/** Where a run comes from and, once both are done, whether the change helped. */
export function lineageView(run: Run, parent: Run | null, suggestion: Suggestion | null): HTMLElement | null {
  if (!parent) return null;
  const change = suggestion ? t('lineage.byApplying', { rule: suggestion.ruleId, title: suggestion.title }) : t('lineage.byApplyingOne');
  const rows: HTMLElement[] = [
    h(
      'p',
      {},
      t('lineage.derivedFrom'),
      h('a', { href: `#/runs/${parent.id}` }, t('lineage.run', { id: parent.id })),
      `${change}${run.autopilotChild ? t('lineage.byAutopilot') : ''}${t('lineage.end')}`,
    ),
  ];
  if (suggestion) {
    rows.push(
      h(
        'ul',
        { class: 'patch' },
        ...Object.entries(suggestion.patch).map(([field, to]) =>
          h('li', { title: field }, h('strong', {}, fieldLabel(field)), `: ${show(parent.recipe[field])} → ${show(to)}`),
        ),
      ),
    );
  }
  if (run.state === 'succeeded' && parent.state === 'succeeded') {
    const a = parent.bestValAccuracy ?? 0;
    const b = run.bestValAccuracy ?? 0;
    const pa = parent.evaluation?.accuracy;
    const pb = run.evaluation?.accuracy;
    const points = ((b - a) * 100).toFixed(1);
    const verdict = b > a ? t('lineage.helped', { points }) : b === a ? t('lineage.same') : t('lineage.didNotHelp', { points });
    rows.push(
      h(
        'table',
        { class: 'compare', 'data-testid': 'compare' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, ''),
            h('th', {}, t('lineage.parent', { id: parent.id })),
            h('th', {}, t('lineage.thisRun', { id: run.id })),
          ),
        ),
        h(
          'tbody',
          {},
          h('tr', {}, h('th', {}, t('lineage.bestVal')), h('td', {}, formatPercent(a)), h('td', {}, formatPercent(b))),
          h('tr', {}, h('th', {}, t('lineage.final')), h('td', {}, formatPercent(pa)), h('td', {}, formatPercent(pb))),
        ),
      ),
      h('p', { 'data-testid': 'verdict' }, verdict),
    );
  }
  return h('section', { class: 'card lineage', 'data-testid': 'lineage' }, h('h2', {}, t('lineage.title')), ...rows);
}

function show(value: unknown): string {
  if (typeof value === 'number') return String(+value.toPrecision(4));
  return JSON.stringify(value);
}
