import { api, ApiError } from '../api';
import { h, mount } from '../dom';
import { t } from '../i18n';

export function loginPage(root: HTMLElement, onLogin: () => void) {
  const error = h('p', { class: 'error', role: 'alert' });
  const username = h('input', {
    id: 'username',
    name: 'username',
    autocomplete: 'username',
    value: 'admin',
    required: true,
  }) as HTMLInputElement;
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  }) as HTMLInputElement;
  const form = h(
    'form',
    { class: 'card narrow', 'aria-label': t('login.submit') },
    h('h1', {}, t('login.title')),
    h('label', { for: 'username' }, t('login.username')),
    username,
    h('label', { for: 'password' }, t('login.password')),
    password,
    h('button', { type: 'submit' }, t('login.submit')),
    error,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      await api.login(username.value, password.value);
      onLogin();
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : t('login.unreachable');
    }
  });
  mount(root, form);
  password.focus();
}
