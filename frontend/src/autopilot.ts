// The autopilot's series as one story (issue 15): where it started, what each follow-up run changed
// and what that gained, where it stepped back, and the best run so far.
import { type AutopilotStory, type AutopilotStep, type FieldChange } from './api';
import { codeLink } from './glossary';
import { fieldLabel } from './evidence';
import { formatPercent, h } from './dom';
import { t, type MessageKey } from './i18n';

export function autopilotStoryView(story: AutopilotStory, current: number): HTMLElement | null {
  if (story.steps.length === 0) return null;
  const start = story.startBestValAccuracy;
  const best = bestScore(story);
  return h(
    'section',
    { class: 'card autopilot-story', 'data-testid': 'autopilot-story' },
    h('h2', {}, t('story.title')),
    h(
      'p',
      {},
      t('story.start', { used: story.steps.length, allowed: story.followUpsAllowed }),
      ' ',
      runLink(story.startRunId, current),
      t('story.startScore', { score: formatPercent(start) }),
    ),
    h('ol', {}, ...story.steps.map((s) => stepView(s, current))),
    h(
      'p',
      { 'data-testid': 'story-best' },
      h('strong', {}, t('story.best')),
      ' ',
      runLink(story.bestRunId, current),
      t('story.bestScore', { score: formatPercent(best), gain: best !== null && start !== null ? signed(best - start) : '—' }),
    ),
  );
}

function stepView(s: AutopilotStep, current: number): HTMLElement {
  const rule = s.ruleId ? [codeLink(s.ruleId), ` ${t(`glossary.${s.ruleId}.name` as MessageKey)}`] : [];
  const outcome = s.kept
    ? s.gain === null
      ? t('story.keptFirst')
      : t('story.kept', { gain: signed(s.gain) })
    : s.gain !== null
      ? t('story.dropped', { gain: signed(s.gain), parent: s.parentId })
      : t(s.state === 'failed' ? 'story.failed' : s.state === 'cancelled' ? 'story.cancelled' : 'story.pending');
  return h(
    'li',
    { 'data-run': String(s.runId), class: s.kept ? 'kept' : s.gain === null ? '' : 'dropped' },
    runLink(s.runId, current),
    ` ${t('story.from', { parent: s.parentId })} `,
    ...rule,
    t('lineage.end'),
    ' ',
    s.changes.map(change).join(t('evidence.separator')),
    t('lineage.end'),
    ' ',
    h('span', { class: 'outcome' }, s.bestValAccuracy === null ? '' : `${formatPercent(s.bestValAccuracy)} · `, outcome),
  );
}

function change(c: FieldChange): string {
  return `${fieldLabel(c.field)} ${show(c.from)} → ${show(c.to)}`;
}

function bestScore(story: AutopilotStory): number | null {
  if (story.bestRunId === story.startRunId) return story.startBestValAccuracy;
  return story.steps.find((s) => s.runId === story.bestRunId)?.bestValAccuracy ?? null;
}

function runLink(id: number, current: number): HTMLElement {
  return id === current ? h('strong', {}, t('lineage.run', { id })) : h('a', { href: `#/runs/${id}` }, t('lineage.run', { id }));
}

function signed(fraction: number): string {
  const points = (fraction * 100).toFixed(1);
  return fraction >= 0 ? `+${points}` : points;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'number') return String(+value.toPrecision(4));
  if (typeof value === 'boolean') return t(value ? 'story.on' : 'story.off');
  return String(value);
}
