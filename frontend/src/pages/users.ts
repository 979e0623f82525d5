import { plural, t } from '../i18n';
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
    shown.replaceChildren(
      h(
        'div',
        { class: 'card warning', 'data-testid': 'new-password' },
        h('p', {}, t('users.passwordOnce', { what, user: result.user.username })),
        h('p', { class: 'password-once', 'data-testid': 'password' }, result.password),
      ),
    );
  };

  const username = h('input', {
    id: 'new-username',
    required: true,
    placeholder: t('users.usernameExample'),
    autocomplete: 'off',
  }) as HTMLInputElement;
  const displayName = h('input', { id: 'new-display-name', placeholder: 'Ana Silva' }) as HTMLInputElement;
  const role = h(
    'select',
    { id: 'new-role' },
    ...(['member', 'lead', 'admin'] as const).map((r) => h('option', { value: r }, t(`role.${r}`))),
  ) as HTMLSelectElement;
  const teamBoxes = teams.map((team) => ({
    team,
    box: h('input', { type: 'checkbox', value: team.id, 'aria-label': t('users.teamBox', { name: team.name }) }) as HTMLInputElement,
  }));
  const create = h(
    'form',
    { class: 'card', 'data-testid': 'create-user' },
    h('h2', {}, t('users.newUser')),
    h('label', { for: 'new-username' }, t('users.username')),
    username,
    h('label', { for: 'new-display-name' }, t('users.displayName')),
    displayName,
    h('label', { for: 'new-role' }, t('users.role')),
    role,
    h('p', { class: 'hint' }, t('users.roles')),
    h(
      'fieldset',
      {},
      h('legend', {}, t('users.teams')),
      ...teamBoxes.map(({ team, box }) => h('label', { class: 'inline' }, box, ` ${team.name}`)),
    ),
    h('button', { type: 'submit' }, t('users.create')),
  );
  create.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const result = await api.createUser({
        username: username.value.trim(),
        displayName: displayName.value.trim(),
        role: role.value,
        teamIds: teamBoxes.filter((b) => b.box.checked).map((b) => b.team.id),
      });
      await reload();
      showPasswordAfterReload(root, result, t('users.created'));
    } catch (err) {
      fail(err);
    }
  });

  const teamName = h('input', { id: 'new-team', placeholder: t('users.teamExample') }) as HTMLInputElement;
  const teamForm = h(
    'form',
    { class: 'card', 'data-testid': 'create-team' },
    h('h2', {}, t('users.teams')),
    h('ul', {}, ...teams.map((team: Team) => h('li', {}, `${team.name} (${plural('users.people', team.members)})`))),
    h('label', { for: 'new-team' }, t('users.newTeam')),
    teamName,
    h('button', { type: 'submit' }, t('users.createTeam')),
  );
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
    const roleSelect = h(
      'select',
      { 'aria-label': t('users.roleOf', { user: u.username }) },
      ...(['member', 'lead', 'admin'] as const).map((r) => h('option', { value: r, selected: r === u.role }, t(`role.${r}`))),
    ) as HTMLSelectElement;
    roleSelect.addEventListener('change', () => api.changeUser(u.id, { role: roleSelect.value }).then(reload, fail));
    const toggle = h('button', { class: u.disabled ? 'secondary' : 'danger' }, u.disabled ? t('users.enable') : t('users.disable'));
    toggle.addEventListener('click', () => {
      if (!u.disabled && !confirm(t('users.confirmDisable', { user: u.username }))) return;
      api.changeUser(u.id, { disabled: !u.disabled }).then(reload, fail);
    });
    // The person's teams, changed in place: a checkbox per team and Save.
    const boxes = teams.map((team) => ({
      team,
      box: h('input', {
        type: 'checkbox',
        value: team.id,
        checked: u.teams.some((mine) => mine.id === team.id),
        'aria-label': t('users.teamBoxOf', { name: team.name, user: u.username }),
      }) as HTMLInputElement,
    }));
    const saveTeams = h('button', { type: 'button', class: 'secondary' }, t('users.saveTeams'));
    saveTeams.addEventListener('click', () =>
      api.changeUser(u.id, { teamIds: boxes.filter((b) => b.box.checked).map((b) => b.team.id) }).then(reload, fail),
    );
    const teamCell = h(
      'details',
      { 'data-testid': `teams-of-${u.username}` },
      h('summary', {}, u.teams.map((team) => team.name).join(', ') || '—'),
      ...boxes.map(({ team, box }) => h('label', { class: 'inline' }, box, ` ${team.name}`)),
      saveTeams,
    );
    const reset = h('button', { class: 'secondary' }, t('users.reset'));
    reset.addEventListener('click', async () => {
      try {
        const result = await api.resetPassword(u.id);
        showPassword(result, t('users.newPasswordFor'));
      } catch (err) {
        fail(err);
      }
    });
    return h(
      'tr',
      { 'data-user': u.username },
      h('td', {}, u.username),
      h('td', {}, u.displayName),
      h('td', {}, roleSelect),
      h('td', {}, teamCell),
      h('td', {}, u.disabled ? t('users.disabled') : t('users.active')),
      h('td', {}, toggle, ' ', reset),
    );
  };

  mount(
    root,
    h('h1', {}, t('users.title')),
    message,
    shown,
    h(
      'table',
      { class: 'runs', 'aria-label': t('users.title') },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...(['users.username', 'keys.name', 'users.role', 'users.teams', 'agent.status'] as const).map((k) => h('th', {}, t(k))),
          h('th', {}, ''),
        ),
      ),
      h('tbody', {}, ...users.map(row)),
    ),
    h('div', { class: 'evaluation-grid' }, create, teamForm),
  );
}

function showPasswordAfterReload(root: HTMLElement, result: UserWithPassword, what: string) {
  const box = h(
    'div',
    { class: 'card warning', 'data-testid': 'new-password' },
    h('p', {}, t('users.passwordOnce', { what, user: result.user.username })),
    h('p', { class: 'password-once', 'data-testid': 'password' }, result.password),
  );
  root.querySelector('h1')?.after(box);
}
