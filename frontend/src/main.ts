// Entry point: a hash router over the pages, with a login gate.
import './style.css';
import { api, setCurrentTeam, getCurrentTeam, type Me } from './api';
import { setMe } from './session';
import { adoptLanguageOf, lang, LANGUAGES, setLang, t, type Lang } from './i18n';
import { h, labelTableCells, mount } from './dom';
import { loginPage } from './pages/login';
import { match } from './routes';

const app = document.getElementById('app')!;
labelTableCells(app);
const nav = document.getElementById('nav')!;
let me: Me | null = null;
let cleanup: (() => void) | void;
let navigation = 0;

async function route() {
  if (cleanup) cleanup();
  cleanup = undefined;
  const current = ++navigation;
  // Each page renders into its own element: a slow page that finishes after the user moved on
  // renders into a detached element instead of over the new page.
  const view = document.createElement('div');
  app.replaceChildren(view);
  const [path, queryString] = (location.hash || '#/runs').slice(1).split('?');
  const query = new URLSearchParams(queryString ?? '');
  if (!me && path !== '/login') {
    try {
      me = await api.me();
      adopt(me);
    } catch {
      location.hash = '#/login';
      return;
    }
  }
  renderNav(path);
  refreshBell();
  let done: (() => void) | void = undefined;
  try {
    if (path === '/login') {
      loginPage(view, async () => {
        me = await api.me();
        adopt(me);
        location.hash = '#/runs';
      });
    } else {
      const { route, id } = match(path, me);
      done = await route.page(view, id, query);
    }
  } catch (err) {
    mount(view, h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err)));
  }
  if (current === navigation) cleanup = done;
  else if (done) done();
}

function renderNav(path: string) {
  if (!me) {
    nav.replaceChildren();
    return;
  }
  const link = (href: string, text: string) => h('a', { href, 'aria-current': path.startsWith(href.slice(1)) ? 'page' : undefined }, text);
  const logout = h('button', { class: 'link' }, t('nav.logout'));
  logout.addEventListener('click', async () => {
    await api.logout();
    me = null;
    setMe(null);
    location.hash = '#/login';
  });
  const admin = me.role === 'admin';
  const lead = admin || me.role === 'lead';
  nav.replaceChildren(
    link('#/runs', t('nav.runs')),
    link('#/datasets', t('nav.datasets')),
    link('#/presets', t('nav.presets')),
    ...(admin
      ? [
          link('#/pretrained', t('nav.pretrained')),
          link('#/agents', t('nav.agents')),
          link('#/users', t('nav.users')),
          link('#/audit', t('nav.audit')),
        ]
      : []),
    ...(lead ? [link('#/webhooks', t('nav.webhooks'))] : []),
    link('#/glossary', t('nav.glossary')),
    bell,
    teamPicker(me),
    h('a', { class: 'who', href: '#/account', title: t('nav.account', { role: me.role }) }, `${me.displayName} (${me.role})`),
    languagePicker(me.username),
    logout,
  );
}

/** The header's bell: a link to the person's notices with the unread count, looked up every 20 s. */
const bell = h('a', { href: '#/notifications', class: 'bell', 'data-testid': 'bell' });
let bellAsked = 0;
async function refreshBell() {
  if (!me) return;
  const asked = ++bellAsked;
  try {
    const { count } = await api.unreadNotices();
    if (asked !== bellAsked) return; // a later look answers instead
    bell.replaceChildren(bellIcon(), count ? h('span', { class: 'count', 'data-testid': 'unread' }, String(count)) : '');
    bell.setAttribute('aria-label', t('nav.notices', { n: count }));
    bell.title = t('nav.notices', { n: count });
  } catch {
    // the next look tries again
  }
}
setInterval(refreshBell, 20_000);

/** A bell drawn as a path (emoji fonts are not everywhere). */
function bellIcon(): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '18');
  svg.setAttribute('height', '18');
  svg.setAttribute('aria-hidden', 'true');
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('fill', 'currentColor');
  path.setAttribute(
    'd',
    'M12 2a6 6 0 0 0-6 6v3.6l-1.7 3.4a1 1 0 0 0 .9 1.5h13.6a1 1 0 0 0 .9-1.5L18 11.6V8a6 6 0 0 0-6-6z' +
      'm0 20a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22z',
  );
  svg.append(path);
  return svg;
}
window.addEventListener('kiln:notices', refreshBell);

/** The header's language switch; the pick is remembered for this person. */
function languagePicker(username: string): HTMLElement {
  const select = h(
    'select',
    { class: 'lang-picker', 'aria-label': t('nav.language'), 'data-testid': 'lang-picker' },
    ...LANGUAGES.map((l) => h('option', { value: l.id, selected: l.id === lang() }, l.name)),
  ) as HTMLSelectElement;
  select.addEventListener('change', () => {
    setLang(select.value as Lang, username);
    route();
  });
  return select;
}

const TEAM_KEY = 'kiln.team';

/** Takes the person's teams in: the remembered team if it is still theirs, else all of them. */
function adopt(person: Me) {
  setMe(person);
  adoptLanguageOf(person.username);
  const saved = Number(localStorage.getItem(TEAM_KEY));
  setCurrentTeam(person.teams.some((t) => t.id === saved) ? saved : null);
}

/** The header's team picker: which team the lists show and new datasets, presets and runs go to. */
function teamPicker(person: Me): HTMLElement {
  if (person.teams.length < 2) {
    return h('span', { class: 'team-picker', 'data-testid': 'team' }, person.teams[0]?.name ?? '');
  }
  const current = getCurrentTeam();
  const select = h(
    'select',
    { class: 'team-picker', 'aria-label': t('nav.currentTeam'), 'data-testid': 'team-picker' },
    h('option', { value: '', selected: current === null }, t('nav.allTeams')),
    ...person.teams.map((t) => h('option', { value: t.id, selected: t.id === current }, t.name)),
  ) as HTMLSelectElement;
  select.addEventListener('change', () => {
    const team = select.value ? Number(select.value) : null;
    setCurrentTeam(team);
    if (team === null) localStorage.removeItem(TEAM_KEY);
    else localStorage.setItem(TEAM_KEY, String(team));
    route();
  });
  return select;
}

window.addEventListener('kiln:unauthorized', () => {
  me = null;
  if (location.hash !== '#/login') location.hash = '#/login';
});
window.addEventListener('hashchange', route);
route();
