import { api, ApiError, type Agent, type PendingToken } from '../api';
import { h, mount } from '../dom';

/** Bytes as people read them (GB with one decimal). */
export function formatMemory(bytes: number | null): string {
  return bytes == null ? '' : ` · ${(bytes / 2 ** 30).toFixed(1)} GB`;
}

/** Agents with their health; the table refreshes every few seconds. */
export async function agentsPage(root: HTMLElement): Promise<() => void> {
  const tokenBox = h('div', { class: 'token', role: 'status' });
  const error = h('p', { class: 'error', role: 'alert' });
  const list = h('div');

  const pending = h('div', { 'data-testid': 'pending-tokens' });

  function tokenRow(t: PendingToken): HTMLElement {
    const revoke = h('button', { class: 'secondary' }, 'Withdraw');
    revoke.addEventListener('click', async () => {
      try {
        await api.revokeToken(t.id);
        await refresh();
      } catch (err) {
        error.textContent = err instanceof ApiError ? err.message : String(err);
      }
    });
    return h('li', {}, `Token #${t.id} by ${t.createdBy}, unused, valid until ${new Date(t.expiresAt).toLocaleString()} `, revoke);
  }

  async function refresh() {
    const [agents, tokens] = await Promise.all([api.agents(), api.pendingTokens()]);
    pending.replaceChildren(...(tokens.length
      ? [h('h2', {}, 'Enrollment tokens not used yet'), h('ul', {}, ...tokens.map(tokenRow))] : []));
    list.replaceChildren(h('table', { class: 'runs', 'aria-label': 'Agents' },
      h('thead', {}, h('tr', {}, ...['Agent', 'Host', 'Devices', 'Status', 'Last seen', 'Labels', ''].map((t) => h('th', {}, t)))),
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
    const label = action('Labels', 'secondary', null, async () => {
      const typed = prompt(`Labels of ${a.name}, comma-separated (e.g. gpu=a100, zone=eu):`, a.labels.join(', '));
      if (typed !== null) await api.labelAgent(a.id, typed.split(',').map((l) => l.trim()).filter((l) => l));
    });
    const revoke = action('Revoke', 'danger',
      `Revoke agent ${a.name}? Its run goes back to the queue and it can no longer connect.`, () => api.revokeAgent(a.id));
    return h('tr', {},
      h('td', {}, h('a', { href: `#/agents/${a.id}` }, `#${a.id} ${a.name}`)),
      h('td', {}, a.hostname ?? '—'),
      h('td', {}, a.devices.map((d) => `${d.id} (${d.name}${formatMemory(d.memoryBytes)})`).join(', ') || '—'),
      h('td', {}, h('span', { class: `badge agent-${a.revoked ? 'revoked' : a.connected ? 'online' : 'offline'}`, 'data-testid': `agent-${a.id}-status` }, status)),
      h('td', {}, a.lastSeenAt ? new Date(a.lastSeenAt).toLocaleString() : 'never'),
      h('td', { 'data-testid': `agent-${a.id}-labels` }, a.labels.join(', ') || '—'),
      h('td', { class: 'actions' }, ...actions, label, revoke));
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
      await refresh();
      tokenBox.replaceChildren(
        h('p', {}, `One-time token, valid until ${new Date(t.expiresAt).toLocaleString()}. Start an agent on a GPU machine with:`),
        h('pre', { 'data-testid': 'agent-command' }, command), copy);
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : String(err);
    }
  });
  mount(root, h('h1', {}, 'Agents'), h('section', { class: 'card' }, create, tokenBox, error, pending), list);
  await refresh();
  const timer = setInterval(() => refresh().catch(() => undefined), 5000);
  return () => clearInterval(timer);
}
