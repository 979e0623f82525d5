import { t } from '../i18n';
// A person's API keys: each calls predictions of one team's runs from a program; the secret is
// shown once, when the key is created.
import { api, ApiError, type ApiKeyView } from '../api';
import { h } from '../dom';
import { currentUser } from '../session';

export function apiKeysView(): HTMLElement {
  const me = currentUser()!;
  const list = h('div', { 'data-testid': 'api-keys' });
  const name = h('input', { id: 'api-key-name', maxlength: 100, placeholder: 'e.g. sorting pipeline', required: true }) as HTMLInputElement;
  const team = h(
    'select',
    { id: 'api-key-team' },
    ...me.teams.map((t) => h('option', { value: t.id, selected: t.id === me.defaultTeamId }, t.name)),
  ) as HTMLSelectElement;
  const status = h('p', { role: 'status', 'aria-live': 'polite' });
  const secret = h('div', {});

  async function refresh() {
    try {
      const keys = await api.apiKeys();
      list.replaceChildren(keys.length === 0 ? h('p', { class: 'hint' }, t('keys.none')) : table(keys));
    } catch (err) {
      list.replaceChildren(h('p', { class: 'error' }, err instanceof Error ? err.message : String(err)));
    }
  }

  function table(keys: ApiKeyView[]): HTMLElement {
    return h(
      'table',
      { class: 'runs' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, t('keys.name')),
          h('th', {}, t('keys.key')),
          h('th', {}, t('keys.team')),
          h('th', {}, t('keys.owner')),
          h('th', {}, t('keys.lastUsed')),
          h('th', {}, ''),
        ),
      ),
      h(
        'tbody',
        {},
        ...keys.map((k) => {
          const revoke = h('button', { class: 'danger small', 'data-testid': `revoke-key-${k.id}` }, t('keys.revoke'));
          revoke.addEventListener('click', async () => {
            if (!confirm(t('keys.confirmRevoke', { name: k.name }))) return;
            try {
              await api.revokeApiKey(k.id);
              status.className = 'status';
              status.textContent = t('keys.revoked', { name: k.name });
              refresh();
            } catch (err) {
              status.className = 'error';
              status.textContent = err instanceof ApiError ? err.message : String(err);
            }
          });
          return h(
            'tr',
            { 'data-testid': 'api-key' },
            h('td', {}, k.name),
            h('td', {}, h('code', {}, `${k.hint}…`)),
            h('td', {}, k.teamName),
            h('td', {}, k.owner),
            h('td', {}, k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : 'never'),
            h('td', {}, revoke),
          );
        }),
      ),
    );
  }

  const form = h(
    'form',
    { class: 'inline-form' },
    h('label', { for: 'api-key-name' }, t('keys.name')),
    name,
    ...(me.teams.length > 1 ? [h('label', { for: 'api-key-team' }, t('keys.team')), team] : []),
    h('button', { type: 'submit' }, t('keys.create')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const created = await api.createApiKey({ name: name.value, teamId: Number(team.value) || undefined });
      name.value = '';
      status.className = 'status';
      status.textContent = '';
      const copy = h('button', { type: 'button', class: 'secondary small' }, t('keys.copy'));
      copy.addEventListener('click', () => navigator.clipboard?.writeText(created.secret));
      secret.replaceChildren(
        h(
          'div',
          { class: 'card secret', role: 'alert' },
          h('p', {}, t('keys.created', { name: created.key.name, team: created.key.teamName })),
          h('code', { 'data-testid': 'api-key-secret' }, created.secret),
          ' ',
          copy,
        ),
      );
      refresh();
    } catch (err) {
      status.className = 'error';
      status.textContent = err instanceof ApiError ? err.message : String(err);
    }
  });
  refresh();
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, t('keys.title')),
    h('p', { class: 'hint' }, t('keys.intro')),
    form,
    status,
    secret,
    list,
  );
}
