// Admins manage accounts and teams: create a user (the password is shown once), change role and
// teams, disable or enable, reset a password; create a team.
import { api, ApiError, type Team, type User, type UserWithPassword } from '../api';
import { h, mount } from '../dom';

export async function usersPage(root: HTMLElement): Promise<void> {
  const [users, teams] = await Promise.all([api.users(), api.teams()]);
  const message = h('p', { class: 'error', role: 'alert' });
  const shown = h('div', {});
  const reload = () => usersPage(root);
  const fail = (err: unknown) => (message.textContent = err instanceof ApiError ? err.message : String(err));

  const showPassword = (result: UserWithPassword, what: string) => {
    shown.replaceChildren(h('div', { class: 'card warning', 'data-testid': 'new-password' },
      h('p', {}, `${what} ${result.user.username}. Give them this password; it is shown only this once:`),
      h('p', { class: 'password-once', 'data-testid': 'password' }, result.password)));
  };

  const username = h('input', { id: 'new-username', required: true, placeholder: 'e.g. ana', autocomplete: 'off' }) as HTMLInputElement;
  const displayName = h('input', { id: 'new-display-name', placeholder: 'Ana Silva' }) as HTMLInputElement;
  const role = h('select', { id: 'new-role' }, ...['member', 'lead', 'admin'].map((r) => h('option', { value: r }, r))) as HTMLSelectElement;
  const teamBoxes = teams.map((t) => ({ team: t, box: h('input', { type: 'checkbox', value: t.id, 'aria-label': `Team ${t.name}` }) as HTMLInputElement }));
  const create = h('form', { class: 'card', 'data-testid': 'create-user' },
    h('h2', {}, 'New user'),
    h('label', { for: 'new-username' }, 'Username'), username,
    h('label', { for: 'new-display-name' }, 'Display name'), displayName,
    h('label', { for: 'new-role' }, 'Role'), role,
    h('p', { class: 'hint' }, 'A member works in their teams and changes their own runs; a lead also reviews, archives and changes every run and preset of their teams; an admin manages users, teams and agents.'),
    h('fieldset', {}, h('legend', {}, 'Teams'), ...teamBoxes.map(({ team, box }) => h('label', { class: 'inline' }, box, ` ${team.name}`))),
    h('button', { type: 'submit' }, 'Create user'));
  create.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const result = await api.createUser({ username: username.value.trim(), displayName: displayName.value.trim(),
        role: role.value, teamIds: teamBoxes.filter((t) => t.box.checked).map((t) => t.team.id) });
      await reload();
      showPasswordAfterReload(root, result, 'Created');
    } catch (err) {
      fail(err);
    }
  });

  const teamName = h('input', { id: 'new-team', placeholder: 'e.g. Vision' }) as HTMLInputElement;
  const teamForm = h('form', { class: 'card', 'data-testid': 'create-team' }, h('h2', {}, 'Teams'),
    h('ul', {}, ...teams.map((t: Team) => h('li', {}, `${t.name} (${t.members} ${t.members === 1 ? 'person' : 'people'})`))),
    h('label', { for: 'new-team' }, 'New team'), teamName, h('button', { type: 'submit' }, 'Create team'));
  teamForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api.createTeam({ name: teamName.value.trim() });
      await reload();
    } catch (err) {
      fail(err);
    }
  });

  const row = (u: User) => {
    const roleSelect = h('select', { 'aria-label': `Role of ${u.username}` }, ...['member', 'lead', 'admin'].map((r) =>
      h('option', { value: r, selected: r === u.role }, r))) as HTMLSelectElement;
    roleSelect.addEventListener('change', () => api.changeUser(u.id, { role: roleSelect.value }).then(reload, fail));
    const toggle = h('button', { class: u.disabled ? 'secondary' : 'danger' }, u.disabled ? 'Enable' : 'Disable');
    toggle.addEventListener('click', () => api.changeUser(u.id, { disabled: !u.disabled }).then(reload, fail));
    const reset = h('button', { class: 'secondary' }, 'Reset password');
    reset.addEventListener('click', async () => {
      try {
        const result = await api.resetPassword(u.id);
        showPassword(result, 'New password for');
      } catch (err) {
        fail(err);
      }
    });
    return h('tr', { 'data-user': u.username },
      h('td', {}, u.username), h('td', {}, u.displayName), h('td', {}, roleSelect),
      h('td', {}, u.teams.map((t) => t.name).join(', ') || '—'),
      h('td', {}, u.disabled ? 'disabled' : 'active'), h('td', {}, toggle, ' ', reset));
  };

  mount(root, h('h1', {}, 'Users and teams'), message, shown,
    h('table', { class: 'runs', 'aria-label': 'Users' },
      h('thead', {}, h('tr', {}, ...['Username', 'Name', 'Role', 'Teams', 'Status', ''].map((t) => h('th', {}, t)))),
      h('tbody', {}, ...users.map(row))),
    h('div', { class: 'evaluation-grid' }, create, teamForm));
}

function showPasswordAfterReload(root: HTMLElement, result: UserWithPassword, what: string) {
  const box = h('div', { class: 'card warning', 'data-testid': 'new-password' },
    h('p', {}, `${what} ${result.user.username}. Give them this password; it is shown only this once:`),
    h('p', { class: 'password-once', 'data-testid': 'password' }, result.password));
  root.querySelector('h1')?.after(box);
}
