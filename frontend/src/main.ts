// Entry point: a hash router over the pages, with a login gate.
import './style.css';
import { api, type Me } from './api';
import { h, mount } from './dom';
import { agentsPage } from './pages/agents';
import { datasetsPage } from './pages/datasets';
import { loginPage } from './pages/login';
import { newRunPage } from './pages/newRun';
import { runPage } from './pages/runPage';
import { runsPage } from './pages/runs';

const app = document.getElementById('app')!;
const nav = document.getElementById('nav')!;
let me: Me | null = null;
let cleanup: (() => void) | void;

async function route() {
  if (cleanup) cleanup();
  cleanup = undefined;
  const [path, queryString] = (location.hash || '#/runs').slice(1).split('?');
  const query = new URLSearchParams(queryString ?? '');
  if (!me && path !== '/login') {
    try {
      me = await api.me();
    } catch {
      location.hash = '#/login';
      return;
    }
  }
  renderNav(path);
  try {
    if (path === '/login') {
      loginPage(app, async () => {
        me = await api.me();
        location.hash = '#/runs';
      });
    } else if (path === '/datasets') {
      await datasetsPage(app);
    } else if (path === '/runs/new') {
      await newRunPage(app, query);
    } else if (/^\/runs\/\d+$/.test(path)) {
      cleanup = runPage(app, Number(path.split('/')[2]));
    } else if (path === '/agents') {
      await agentsPage(app);
    } else {
      await runsPage(app);
    }
  } catch (err) {
    mount(app, h('p', { class: 'error', role: 'alert' }, err instanceof Error ? err.message : String(err)));
  }
}

function renderNav(path: string) {
  if (!me) {
    nav.replaceChildren();
    return;
  }
  const link = (href: string, text: string) =>
    h('a', { href, 'aria-current': path.startsWith(href.slice(1)) ? 'page' : undefined }, text);
  const logout = h('button', { class: 'link' }, 'Log out');
  logout.addEventListener('click', async () => {
    await api.logout();
    me = null;
    location.hash = '#/login';
  });
  nav.replaceChildren(link('#/runs', 'Runs'), link('#/datasets', 'Datasets'),
    ...(me.roles.includes('admin') ? [link('#/agents', 'Agents')] : []),
    h('span', { class: 'who' }, me.username), logout);
}

window.addEventListener('kiln:unauthorized', () => {
  me = null;
  if (location.hash !== '#/login') location.hash = '#/login';
});
window.addEventListener('hashchange', route);
route();
