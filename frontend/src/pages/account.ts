// A person's own account: who they are, their teams, and a new password.
import { api, ApiError } from '../api';
import { h, mount } from '../dom';
import { currentUser } from '../session';
import { t } from '../i18n';
import { apiKeysView } from './apiKeys';
import { emailChoicesView } from './emailChoices';

export function accountPage(root: HTMLElement): void {
  const me = currentUser()!;
  const current = h('input', { id: 'current-password', type: 'password', autocomplete: 'current-password' }) as HTMLInputElement;
  const next = h('input', { id: 'new-password', type: 'password', autocomplete: 'new-password', minlength: 10 }) as HTMLInputElement;
  const status = h('p', { role: 'status' });
  const form = h(
    'form',
    { class: 'card narrow' },
    h('h2', {}, t('account.password.title')),
    h('label', { for: 'current-password' }, t('account.password.current')),
    current,
    h('label', { for: 'new-password' }, t('account.password.new')),
    next,
    h('button', { type: 'submit' }, t('account.password.submit')),
    status,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.changePassword({ currentPassword: current.value, newPassword: next.value });
      status.className = 'status';
      status.textContent = t('account.password.done');
      current.value = next.value = '';
    } catch (err) {
      status.className = 'error';
      status.textContent = err instanceof ApiError ? err.message : String(err);
    }
  });
  mount(
    root,
    h('h1', {}, t('account.title')),
    h(
      'p',
      {},
      t('account.who', {
        name: me.displayName,
        username: me.username,
        role: me.role,
        teams: me.teams.map((team) => team.name).join(', ') || t('account.noTeam'),
      }),
    ),
    form,
    emailChoicesView(),
    apiKeysView(),
  );
}
