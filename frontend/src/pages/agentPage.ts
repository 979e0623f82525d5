import { formatDateTime, lang, t, type MessageKey } from '../i18n';
import { api, type AgentDetail, type RunAttempt } from '../api';
import { h, mount } from '../dom';
import { formatMemory } from './agents';

const ENDINGS: Record<string, MessageKey> = {
  succeeded: 'agent.ending.succeeded',
  failed: 'agent.ending.failed',
  cancelled: 'agent.ending.cancelled',
  requeued: 'agent.ending.requeued',
  retried_smaller: 'agent.ending.retriedSmaller',
};

/** One agent for an admin: devices, versions, health, its current run and recent attempts. */
export async function agentPage(root: HTMLElement, id: number): Promise<() => void> {
  const body = h('div', {});
  async function refresh() {
    render(await api.agent(id));
  }
  function render(d: AgentDetail) {
    const a = d.agent;
    const health = t(
      a.revoked
        ? 'agents.health.revoked'
        : a.connected
          ? a.currentRunId
            ? 'agents.health.training'
            : 'agents.health.idle'
          : 'agents.health.offline',
    );
    const versions = Object.entries(a.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join(' · ');
    body.replaceChildren(
      h('h1', {}, t('agent.title', { id: a.id, name: a.name })),
      h(
        'section',
        { class: 'card' },
        h(
          'dl',
          { class: 'facts' },
          h('dt', {}, t('agent.status')),
          h('dd', { 'data-testid': 'agent-status' }, `${health}${a.drained ? ` · ${t('agents.drained')}` : ''}`),
          h('dt', {}, t('agent.currentRun')),
          h('dd', {}, a.currentRunId ? h('a', { href: `#/runs/${a.currentRunId}` }, `#${a.currentRunId}`) : '—'),
          h('dt', {}, t('agent.lastSeen')),
          h('dd', {}, a.lastSeenAt ? formatDateTime(a.lastSeenAt) : t('agent.never')),
          h('dt', {}, t('agent.host')),
          h('dd', {}, a.hostname ?? '—'),
          h('dt', {}, t('agent.devices')),
          h(
            'dd',
            { 'data-testid': 'agent-devices' },
            a.devices.map((x) => `${x.id} (${x.name}${formatMemory(x.memoryBytes)})`).join(', ') || '—',
          ),
          h('dt', {}, t('agent.versions')),
          h(
            'dd',
            { 'data-testid': 'agent-versions', translate: 'no' },
            `${t('agent.versionLine', { agent: a.agentVersion ?? '?', protocol: d.protocolVersion })}${versions ? ` · ${versions}` : ''}`,
          ),
          h('dt', {}, t('agent.enrolled')),
          h('dd', {}, formatDateTime(a.createdAt)),
        ),
      ),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, t('agent.attempts')),
        d.attempts.length
          ? h('ol', { class: 'attempts', 'data-testid': 'agent-attempts' }, ...d.attempts.map(line))
          : h('p', { class: 'hint' }, t('agent.noRun')),
      ),
    );
  }
  function line(a: RunAttempt): HTMLElement {
    const when = `${formatDateTime(a.startedAt)}${a.endedAt ? `–${new Date(a.endedAt).toLocaleTimeString(lang())}` : ''}`;
    const ending = a.outcome ? (ENDINGS[a.outcome] ? t(ENDINGS[a.outcome]) : a.outcome) : t('agent.ending.running');
    return h(
      'li',
      {},
      h('a', { href: `#/runs/${a.runId}` }, t('agent.run', { id: a.runId })),
      ` ${t('agent.attempt', { n: a.number })} · ${when} · ${ending}`,
      a.reason && a.outcome !== 'succeeded' ? h('span', { class: 'hint' }, `: ${a.reason}`) : null,
    );
  }
  mount(root, h('p', {}, h('a', { href: '#/agents' }, t('agent.back'))), body);
  await refresh();
  const timer = setInterval(() => refresh().catch(() => undefined), 5000);
  return () => clearInterval(timer);
}
