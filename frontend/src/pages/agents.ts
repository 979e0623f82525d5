import { formatDateTime, t } from '../i18n';
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

  function tokenRow(token: PendingToken): HTMLElement {
    const revoke = h('button', { class: 'secondary' }, t('agents.withdraw'));
    revoke.addEventListener('click', async () => {
      try {
        await api.revokeToken(token.id);
        await refresh();
      } catch (err) {
        error.textContent = err instanceof ApiError ? err.message : String(err);
      }
    });
    const line =
      token.usesLeft > 1
        ? t('agents.tokenLineShared', { id: token.id, by: token.createdBy, left: token.usesLeft, until: formatDateTime(token.expiresAt) })
        : t('agents.tokenLine', { id: token.id, by: token.createdBy, until: formatDateTime(token.expiresAt) });
    return h('li', {}, `${line} `, revoke);
  }

  async function refresh() {
    const [agents, tokens] = await Promise.all([api.agents(), api.pendingTokens()]);
    pending.replaceChildren(...(tokens.length ? [h('h2', {}, t('agents.pendingTokens')), h('ul', {}, ...tokens.map(tokenRow))] : []));
    list.replaceChildren(
      h(
        'table',
        { class: 'runs', 'aria-label': t('agents.title') },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...(['agents.agent', 'agent.host', 'agent.devices', 'agent.status', 'agents.lastSeen', 'agents.labels'] as const).map((k) =>
              h('th', {}, t(k)),
            ),
            h('th', {}, ''),
          ),
        ),
        h('tbody', {}, ...agents.map(row)),
      ),
    );
  }

  function row(a: Agent): HTMLElement {
    const activity = a.connected
      ? a.currentRunId
        ? t('agents.trainingRun', { id: a.currentRunId })
        : t('agents.health.idle')
      : t('agents.health.offline');
    const status = a.revoked ? t('agents.health.revoked') : a.drained ? `${t('agents.drained')} · ${activity}` : activity;
    /** A button; its test id comes from the English name ("drain-now"), its words from the bundle. */
    const action = (id: string, label: string, cls: string, ask: string | null, call: () => Promise<unknown>) => {
      const button = h('button', { class: cls, disabled: a.revoked, 'data-testid': `agent-${a.id}-${id}` }, label);
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
      ? [action('undrain', t('agents.undrain'), 'secondary', null, () => api.undrainAgent(a.id))]
      : [
          action('drain', t('agents.drain'), 'secondary', null, () => api.drainAgent(a.id, false)),
          ...(a.currentRunId
            ? [
                action(
                  'drain-now',
                  t('agents.drainNow'),
                  'secondary',
                  t('agents.confirmDrainNow', { id: a.currentRunId, name: a.name }),
                  () => api.drainAgent(a.id, true),
                ),
              ]
            : []),
        ];
    const label = action('labels', t('agents.labels'), 'secondary', null, async () => {
      const typed = prompt(t('agents.promptLabels', { name: a.name }), a.labels.join(', '));
      if (typed !== null)
        await api.labelAgent(
          a.id,
          typed
            .split(',')
            .map((l) => l.trim())
            .filter((l) => l),
        );
    });
    const revoke = action('revoke', t('keys.revoke'), 'danger', t('agents.confirmRevoke', { name: a.name }), () => api.revokeAgent(a.id));
    return h(
      'tr',
      {},
      h('td', {}, h('a', { href: `#/agents/${a.id}` }, `#${a.id} ${a.name}`)),
      h('td', {}, a.hostname ?? '—'),
      h('td', {}, a.devices.map((d) => `${d.id} (${d.name}${formatMemory(d.memoryBytes)})`).join(', ') || '—'),
      h(
        'td',
        {},
        h(
          'span',
          { class: `badge agent-${a.revoked ? 'revoked' : a.connected ? 'online' : 'offline'}`, 'data-testid': `agent-${a.id}-status` },
          status,
        ),
      ),
      h('td', {}, a.lastSeenAt ? formatDateTime(a.lastSeenAt) : t('agent.never')),
      h('td', { 'data-testid': `agent-${a.id}-labels` }, a.labels.join(', ') || '—'),
      h('td', { class: 'actions' }, ...actions, label, revoke),
    );
  }

  const create = h('button', {}, t('agents.createToken'));
  const uses = h('input', {
    type: 'number',
    min: '1',
    max: '10000',
    value: '1',
    id: 'token-uses',
    'data-testid': 'token-uses',
  }) as HTMLInputElement;
  const usesField = h('label', { for: 'token-uses', class: 'inline' }, t('agents.tokenUses'), ' ', uses);
  create.addEventListener('click', async () => {
    try {
      const count = Number(uses.value) || 1;
      const token = await api.enrollmentToken(count > 1 ? { uses: count } : undefined);
      // deploy/README.md's command (without its optional GLIBC_TUNABLES), run where kiln-agent.zip
      // was unpacked, with the configured public address when there is one.
      const server = token.serverUrl ?? location.origin;
      const jvm = 'java -XX:+UseSerialGC -XX:MaxRAMPercentage=50';
      const command = `${jvm} -jar kiln-agent/kiln-agent.jar --server ${server} --token ${token.token} --name my-gpu`;
      const copy = h('button', { class: 'secondary', 'data-testid': 'copy-command' }, t('keys.copy')) as HTMLButtonElement;
      copy.addEventListener('click', async () => {
        try {
          await navigator.clipboard.writeText(command);
          copy.textContent = t('agents.copied');
        } catch {
          copy.textContent = t('agents.selectAndCopy');
        }
      });
      await refresh();
      tokenBox.replaceChildren(
        h(
          'p',
          {},
          token.uses > 1
            ? t('agents.tokenIntroShared', { uses: token.uses, until: formatDateTime(token.expiresAt) })
            : t('agents.tokenIntro', { until: formatDateTime(token.expiresAt) }),
        ),
        h('pre', { 'data-testid': 'agent-command', tabindex: 0, 'aria-label': t('agents.command') }, command),
        copy,
      );
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : String(err);
    }
  });
  const download = h('p', { 'data-testid': 'agent-download' });
  api
    .agentDistribution()
    .then((about) =>
      download.replaceChildren(
        ...(about.available
          ? [
              h('a', { class: 'button secondary', href: '/api/agents/distribution', download: 'kiln-agent.zip' }, t('agents.download')),
              ' ',
              h('span', { class: 'hint' }, t('agents.downloadHint', { mb: Math.round(about.sizeBytes / 1e6) })),
            ]
          : [h('span', { class: 'hint' }, t('agents.downloadMissing'))]),
      ),
    )
    .catch(() => undefined);
  mount(
    root,
    h('h1', {}, t('agents.title')),
    h('section', { class: 'card' }, download, usesField, ' ', create, tokenBox, error, pending),
    list,
  );
  await refresh();
  const timer = setInterval(() => refresh().catch(() => undefined), 5000);
  return () => clearInterval(timer);
}
