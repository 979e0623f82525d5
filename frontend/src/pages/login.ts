import { api, ApiError } from '../api';
import { h, mount } from '../dom';

export function loginPage(root: HTMLElement, onLogin: () => void) {
  const error = h('p', { class: 'error', role: 'alert' });
  const username = h('input', { id: 'username', name: 'username', autocomplete: 'username', value: 'admin', required: true }) as HTMLInputElement;
  const password = h('input', { id: 'password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }) as HTMLInputElement;
  const form = h('form', { class: 'card narrow', 'aria-label': 'Log in' },
    h('h1', {}, 'Log in to Kiln'),
    h('label', { for: 'username' }, 'Username'), username,
    h('label', { for: 'password' }, 'Password'), password,
    h('button', { type: 'submit' }, 'Log in'),
    error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      await api.login(username.value, password.value);
      onLogin();
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : 'cannot reach Kiln';
    }
  });
  mount(root, form);
  password.focus();
}
