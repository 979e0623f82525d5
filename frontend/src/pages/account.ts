// A person's own account: who they are, their teams, and a new password.
import { api, ApiError } from '../api';
import { h, mount } from '../dom';
import { currentUser } from '../session';
import { apiKeysView } from './apiKeys';

export function accountPage(root: HTMLElement): void {
  const me = currentUser()!;
  const current = h('input', { id: 'current-password', type: 'password', autocomplete: 'current-password' }) as HTMLInputElement;
  const next = h('input', { id: 'new-password', type: 'password', autocomplete: 'new-password', minlength: 10 }) as HTMLInputElement;
  const status = h('p', { role: 'status' });
  const form = h('form', { class: 'card narrow' }, h('h2', {}, 'Change your password'),
    h('label', { for: 'current-password' }, 'Current password'), current,
    h('label', { for: 'new-password' }, 'New password (at least 10 characters)'), next,
    h('button', { type: 'submit' }, 'Change password'), status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.changePassword({ currentPassword: current.value, newPassword: next.value });
      status.className = 'status';
      status.textContent = 'Your password is changed.';
      current.value = next.value = '';
    } catch (err) {
      status.className = 'error';
      status.textContent = err instanceof ApiError ? err.message : String(err);
    }
  });
  mount(root, h('h1', {}, 'Your account'),
    h('p', {}, `${me.displayName} (${me.username}), ${me.role} in ${me.teams.map((t) => t.name).join(', ') || 'no team'}.`),
    form, apiKeysView());
}
