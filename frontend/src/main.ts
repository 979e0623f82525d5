// Entry point: a hash router over the pages, with a login gate.
import './style.css';
import { api, type Me } from './api';
import { h, mount } from './dom';
import { agentsPage } from './pages/agents';
import { customRunPage } from './pages/customRun';
import { datasetPage } from './pages/datasetPage';
import { datasetsPage } from './pages/datasets';
import { loginPage } from './pages/login';
import { newRunPage } from './pages/newRun';
import { presetsPage } from './pages/presets';
import { runPage } from './pages/runPage';
import { runsPage } from './pages/runs';

const app = document.getElementById('app')!;
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
    } catch {
      location.hash = '#/login';
      return;
    }
  }
  renderNav(path);
  let done: (() => void) | void = undefined;
  try {
    if (path === '/login') {
      loginPage(view, async () => {
        me = await api.me();
        location.hash = '#/runs';
      });
    } else if (path === '/datasets') {
      await datasetsPage(view);
    } else if (/^\/datasets\/\d+$/.test(path)) {
      await datasetPage(view, Number(path.split('/')[2]));
    } else if (path === '/presets') {
      await presetsPage(view);
    } else if (path === '/runs/new') {
      await newRunPage(view, query);
    } else if (path === '/runs/custom') {
      await customRunPage(view, query);
    } else if (/^\/runs\/\d+$/.test(path)) {
      done = runPage(view, Number(path.split('/')[2]));
    } else if (path === '/agents') {
      done = await agentsPage(view);
    } else {
      done = await runsPage(view);
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
  const link = (href: string, text: string) =>
    h('a', { href, 'aria-current': path.startsWith(href.slice(1)) ? 'page' : undefined }, text);
  const logout = h('button', { class: 'link' }, 'Log out');
  logout.addEventListener('click', async () => {
    await api.logout();
    me = null;
    location.hash = '#/login';
  });
  nav.replaceChildren(link('#/runs', 'Runs'), link('#/datasets', 'Datasets'), link('#/presets', 'Presets'),
    ...(me.roles.includes('admin') ? [link('#/agents', 'Agents')] : []),
    h('span', { class: 'who' }, me.username), logout);
}

window.addEventListener('kiln:unauthorized', () => {
  me = null;
  if (location.hash !== '#/login') location.hash = '#/login';
});
window.addEventListener('hashchange', route);
route();
