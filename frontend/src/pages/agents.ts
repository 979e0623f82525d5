import { api, ApiError, type Agent } from '../api';
import { h, mount } from '../dom';

/** Agents with their health; the table refreshes every few seconds. */
export async function agentsPage(root: HTMLElement): Promise<() => void> {
  const tokenBox = h('div', { class: 'token', role: 'status' });
  const error = h('p', { class: 'error', role: 'alert' });
  const list = h('div');

  async function refresh() {
    const agents = await api.agents();
    list.replaceChildren(h('table', { class: 'runs', 'aria-label': 'Agents' },
      h('thead', {}, h('tr', {}, ...['Agent', 'Host', 'Devices', 'Status', 'Last seen', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, ...agents.map(row))));
  }

  function row(a: Agent): HTMLElement {
    const activity = a.connected ? (a.currentRunId ? `training run #${a.currentRunId}` : 'idle') : 'offline';
    const status = a.revoked ? 'revoked' : a.drained ? `drained · ${activity}` : activity;
    const action = (label: string, cls: string, ask: string | null, call: () => Promise<unknown>) => {
      const button = h('button', { class: cls, disabled: a.revoked, 'data-testid': `agent-${a.id}-${label.toLowerCase().replace(/ /g, '-')}` }, label);
      button.addEventListener('click', async () => {
        if (ask && !confirm(ask)) return;
        try {
          await call();
          await refresh();
        } catch (err) {
          error.textContent = err instanceof ApiError ? err.message : String(err);
        }
      });
      return button;
    };
    const actions = a.drained
      ? [action('Undrain', 'secondary', null, () => api.undrainAgent(a.id))]
      : [action('Drain', 'secondary', null, () => api.drainAgent(a.id, false)),
        ...(a.currentRunId ? [action('Drain now', 'secondary',
          `Stop run #${a.currentRunId} on ${a.name} now? It goes back to the queue and resumes on another agent from its last checkpoint.`,
          () => api.drainAgent(a.id, true))] : [])];
    const revoke = action('Revoke', 'danger',
      `Revoke agent ${a.name}? Its run goes back to the queue and it can no longer connect.`, () => api.revokeAgent(a.id));
    return h('tr', {},
      h('td', {}, `#${a.id} ${a.name}`),
      h('td', {}, a.hostname ?? '—'),
      h('td', {}, a.devices.map((d) => `${d.id} (${d.name})`).join(', ') || '—'),
      h('td', {}, h('span', { class: `badge agent-${a.revoked ? 'revoked' : a.connected ? 'online' : 'offline'}`, 'data-testid': `agent-${a.id}-status` }, status)),
      h('td', {}, a.lastSeenAt ? new Date(a.lastSeenAt).toLocaleString() : 'never'),
      h('td', { class: 'actions' }, ...actions, revoke));
  }

  const create = h('button', {}, 'Create enrollment token');
  create.addEventListener('click', async () => {
    try {
      const t = await api.enrollmentToken();
      // The documented command (deploy/README.md), with the configured public address when there is one.
      const command = `java -XX:+UseSerialGC -jar kiln-agent.jar --server ${t.serverUrl ?? location.origin} --token ${t.token} --name my-gpu`;
      const copy = h('button', { class: 'secondary', 'data-testid': 'copy-command' }, 'Copy') as HTMLButtonElement;
      copy.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(command);
          copy.textContent = 'Copied';
        } catch {
          copy.textContent = 'Select the text and copy it';
        }
      });
      tokenBox.replaceChildren(
        h('p', {}, `One-time token, valid until ${new Date(t.expiresAt).toLocaleString()}. Start an agent on a GPU machine with:`),
        h('pre', { 'data-testid': 'agent-command' }, command), copy);
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : String(err);
    }
  });
  mount(root, h('h1', {}, 'Agents'), h('section', { class: 'card' }, create, tokenBox, error), list);
  await refresh();
  const timer = setInterval(() => refresh().catch(() => undefined), 5000);
  return () => clearInterval(timer);
}
