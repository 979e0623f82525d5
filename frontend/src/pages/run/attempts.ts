import { api, type Run, type RunAttempt } from '../../api';
import { h } from '../../dom';
import { lang, t, type MessageKey } from '../../i18n';

/** The run's attempts (agent, span, resumed from, ending and cause), once there is more than one or it failed. */
export class RunAttempts {
  readonly element = h('section', { class: 'card', 'data-testid': 'attempts', hidden: '' });
  private shown = '';

  async show(r: Run) {
    const key = `${r.attempts}/${r.state}`;
    if (key === this.shown || (r.attempts < 2 && r.state !== 'failed')) return;
    this.shown = key;
    try {
      const list = await api.runAttempts(r.id);
      this.element.replaceChildren(h('h2', {}, t('run.attempts')), h('ol', { class: 'attempts' }, ...list.map(attemptLine)));
      this.element.hidden = list.length === 0;
    } catch {
      this.shown = '';
    }
  }
}

const ENDINGS: Record<string, MessageKey> = {
  succeeded: 'attempt.ending.succeeded',
  failed: 'agent.ending.failed',
  cancelled: 'attempt.ending.cancelled',
  requeued: 'attempt.ending.requeued',
  retried_smaller: 'attempt.ending.retriedSmaller',
};

const CAUSES: Record<string, MessageKey> = {
  infrastructure: 'attempt.cause.infrastructure',
  out_of_memory: 'attempt.cause.outOfMemory',
  recipe: 'attempt.cause.recipe',
};

/** One attempt in plain words: who ran it, from where, how it ended and why. */
function attemptLine(a: RunAttempt): HTMLElement {
  const time = (iso: string) => new Date(iso).toLocaleTimeString(lang());
  const from = a.resumedFromEpoch > 0 ? t('attempt.resumed', { epoch: a.resumedFromEpoch }) : t('attempt.fromStart');
  const span = `${time(a.startedAt)}${a.endedAt ? `–${time(a.endedAt)}` : t('attempt.running')}`;
  const ending = a.outcome ? (ENDINGS[a.outcome] ? t(ENDINGS[a.outcome]) : a.outcome) : t('attempt.inProgress');
  const cause =
    a.failureClass && a.outcome !== 'succeeded' ? ` (${CAUSES[a.failureClass] ? t(CAUSES[a.failureClass]) : a.failureClass})` : '';
  return h(
    'li',
    { 'data-outcome': a.outcome ?? 'running' },
    h('strong', {}, t('attempt.agent', { id: a.agentId ?? '?' })),
    ` · ${span} · ${from} · ${ending}${cause}`,
    a.reason && a.outcome !== 'succeeded' ? h('span', { class: 'hint' }, `: ${a.reason}`) : null,
  );
}
