import { api, type AgentDetail, type RunAttempt } from '../api';
import { h, mount } from '../dom';
import { formatMemory } from './agents';

const ENDINGS: Record<string, string> = {
  succeeded: 'finished the run',
  failed: 'failed',
  cancelled: 'cancelled',
  requeued: 'gave the run back to the queue',
  retried_smaller: 'ran out of memory',
};

/** One agent for an admin: devices, versions, health, its current run and recent attempts. */
export async function agentPage(root: HTMLElement, id: number): Promise<() => void> {
  const body = h('div', {});
  async function refresh() {
    render(await api.agent(id));
  }
  function render(d: AgentDetail) {
    const a = d.agent;
    const health = a.revoked ? 'revoked' : a.connected ? (a.currentRunId ? 'training' : 'idle') : 'offline';
    const versions = Object.entries(a.versions).map(([k, v]) => `${k} ${v}`).join(' · ');
    body.replaceChildren(
      h('h1', {}, `Agent #${a.id} ${a.name}`),
      h('section', { class: 'card' }, h('dl', { class: 'facts' },
        h('dt', {}, 'Status'), h('dd', { 'data-testid': 'agent-status' }, `${health}${a.drained ? ' · drained' : ''}`),
        h('dt', {}, 'Current run'), h('dd', {}, a.currentRunId ? h('a', { href: `#/runs/${a.currentRunId}` }, `#${a.currentRunId}`) : '—'),
        h('dt', {}, 'Last heartbeat'), h('dd', {}, a.lastSeenAt ? new Date(a.lastSeenAt).toLocaleString() : 'never'),
        h('dt', {}, 'Host'), h('dd', {}, a.hostname ?? '—'),
        h('dt', {}, 'Devices'), h('dd', { 'data-testid': 'agent-devices' },
          a.devices.map((x) => `${x.id} (${x.name}${formatMemory(x.memoryBytes)})`).join(', ') || '—'),
        h('dt', {}, 'Versions'), h('dd', { 'data-testid': 'agent-versions' },
          `agent ${a.agentVersion ?? '?'} · protocol ${d.protocolVersion}${versions ? ` · ${versions}` : ''}`),
        h('dt', {}, 'Enrolled'), h('dd', {}, new Date(a.createdAt).toLocaleString()))),
      h('section', { class: 'card' }, h('h2', {}, 'Recent attempts'),
        d.attempts.length ? h('ol', { class: 'attempts', 'data-testid': 'agent-attempts' }, ...d.attempts.map(line))
          : h('p', { class: 'hint' }, 'No run yet.')));
  }
  function line(t: RunAttempt): HTMLElement {
    const when = `${new Date(t.startedAt).toLocaleString()}${t.endedAt ? `–${new Date(t.endedAt).toLocaleTimeString()}` : ''}`;
    const ending = t.outcome ? ENDINGS[t.outcome] ?? t.outcome : 'running';
    return h('li', {}, h('a', { href: `#/runs/${t.runId}` }, `Run #${t.runId}`),
      ` attempt ${t.number} · ${when} · ${ending}`, t.reason && t.outcome !== 'succeeded' ? h('span', { class: 'hint' }, `: ${t.reason}`) : null);
  }
  mount(root, h('p', {}, h('a', { href: '#/agents' }, '← All agents')), body);
  await refresh();
  const timer = setInterval(() => refresh().catch(() => undefined), 5000);
  return () => clearInterval(timer);
}
