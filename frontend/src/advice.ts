import { codeLink, codeList, withCodes } from './glossary';
import { evidenceSentence, fieldLabel } from './evidence';
import { api, ApiError, type Run, type Suggestion } from './api';
import { formatPercent, h } from './dom';
import { mayChange } from './session';

/** The suggestions panel: each rule that fired, why, what it would change, and "Apply as new run". */
export function suggestionsView(run: Run, suggestions: Suggestion[]): HTMLElement {
  if (suggestions.length === 0) {
    return h('section', { class: 'card suggestions', 'data-testid': 'suggestions' }, h('h2', {}, 'Suggestions'),
      h('p', { class: 'hint' }, 'Kiln reads the curves as they come in (rules A1-A9) and will say here what to change.'));
  }
  return h('section', { class: 'card suggestions', 'data-testid': 'suggestions' }, h('h2', {}, 'Suggestions'),
    ...suggestions.map((s) => card(run, s)));
}

function card(run: Run, s: Suggestion): HTMLElement {
  const error = h('p', { class: 'error', role: 'alert' });
  const changes = h('ul', { class: 'patch' }, ...Object.entries(s.patch).map(([field, to]) =>
    h('li', { title: field }, h('strong', {}, fieldLabel(field)), `: ${show(run.recipe[field])} → ${show(to)}`)));
  const evidence = h('div', { class: 'evidence' },
    h('p', { 'data-testid': 'evidence' }, 'Why: ', evidenceSentence(s.evidence)),
    h('details', {}, h('summary', {}, 'The numbers'), h('code', { class: 'hint' },
      Object.entries(s.evidence).map(([k, v]) => `${k} ${show(v)}`).join(', '))));
  const actions = h('div', { class: 'actions' });
  if (s.appliedRunId !== null) {
    actions.append(h('a', { href: `#/runs/${s.appliedRunId}` }, `Applied as run #${s.appliedRunId}`));
  } else if (!mayChange(run)) {
    actions.append(h('p', { class: 'hint' }, `Only ${run.createdBy}, who launched this run, or a team lead can apply it.`));
  } else {
    const apply = h('button', { type: 'button' }, 'Apply as new run') as HTMLButtonElement;
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
  return h('article', { class: `suggestion severity-${s.severity}${s.active ? '' : ' inactive'}`, 'data-rule': s.ruleId },
    h('h3', {}, h('span', { class: 'badge' }, codeLink(s.ruleId)), ` ${s.title}`,
      s.active ? '' : h('span', { class: 'hint' }, ' (no longer applies)')),
    h('p', {}, ...withCodes(s.explanation)), h('p', { class: 'tricks' }, 'Tricks: ', ...codeList(s.trickIds)),
    h('p', {}, 'Apply changes:'), changes, evidence, actions, error);
}

/** Where a run comes from and, once both are done, whether the change helped. */
export function lineageView(run: Run, parent: Run | null, suggestion: Suggestion | null): HTMLElement | null {
  if (!parent) return null;
  const change = suggestion ? `by applying ${suggestion.ruleId} "${suggestion.title}"` : 'by applying a suggestion';
  const rows: HTMLElement[] = [h('p', {}, `Derived from `, h('a', { href: `#/runs/${parent.id}` }, `run #${parent.id}`),
    ` ${change}${run.autopilotChild ? ' (by the autopilot)' : ''}.`)];
  if (suggestion) {
    rows.push(h('ul', { class: 'patch' }, ...Object.entries(suggestion.patch).map(([field, to]) =>
      h('li', { title: field }, h('strong', {}, fieldLabel(field)), `: ${show(parent.recipe[field])} → ${show(to)}`))));
  }
  if (run.state === 'succeeded' && parent.state === 'succeeded') {
    const a = parent.bestValAccuracy ?? 0;
    const b = run.bestValAccuracy ?? 0;
    const pa = parent.evaluation?.accuracy;
    const pb = run.evaluation?.accuracy;
    const verdict = b > a ? `The change helped: +${((b - a) * 100).toFixed(1)} points.`
      : b === a ? 'The change made no difference.' : `The change did not help: ${((b - a) * 100).toFixed(1)} points.`;
    rows.push(h('table', { class: 'compare', 'data-testid': 'compare' },
      h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', {}, `Parent #${parent.id}`), h('th', {}, `This run #${run.id}`))),
      h('tbody', {},
        h('tr', {}, h('th', {}, 'Best validation accuracy'), h('td', {}, formatPercent(a)), h('td', {}, formatPercent(b))),
        h('tr', {}, h('th', {}, 'Final model accuracy'), h('td', {}, formatPercent(pa)), h('td', {}, formatPercent(pb))))),
      h('p', { 'data-testid': 'verdict' }, verdict));
  }
  return h('section', { class: 'card lineage', 'data-testid': 'lineage' }, h('h2', {}, 'Lineage'), ...rows);
}

function show(value: unknown): string {
  if (typeof value === 'number') return String(+value.toPrecision(4));
  return JSON.stringify(value);
}
