// The pages by address (#/path?query): one row a page, the first whose pattern matches wins. A
// numeric :id in the pattern reaches the page as a number; a page may return a cleanup (a live
// socket, a timer) that runs when the person leaves it.
import type { Me } from './api';
import { glossaryPage } from './glossary';
import { accountPage } from './pages/account';
import { agentPage } from './pages/agentPage';
import { agentsPage } from './pages/agents';
import { auditPage } from './pages/audit';
import { comparePage } from './pages/compare';
import { customRunPage } from './pages/customRun';
import { datasetPage } from './pages/datasetPage';
import { datasetsPage } from './pages/datasets';
import { newRunPage } from './pages/newRun';
import { notificationsPage } from './pages/notifications';
import { predictPage } from './pages/predict';
import { presetsPage } from './pages/presets';
import { pretrainedPage } from './pages/pretrained';
import { runPage } from './pages/run';
import { runsPage } from './pages/runs';
import { usersPage } from './pages/users';
import { webhooksPage } from './pages/webhooks';

type Cleanup = (() => void) | void;

export interface Route {
  /** The path, with :id for a number, e.g. /runs/:id/predict. */
  path: string;
  /** Only for admins (others get the run table). */
  admin?: boolean;
  page: (view: HTMLElement, id: number, query: URLSearchParams) => Cleanup | Promise<Cleanup>;
}

export const ROUTES: Route[] = [
  { path: '/datasets', page: (v) => datasetsPage(v) },
  { path: '/datasets/:id', page: (v, id) => datasetPage(v, id) },
  { path: '/presets', page: (v) => presetsPage(v) },
  { path: '/pretrained', page: (v) => pretrainedPage(v) },
  { path: '/runs/new', page: (v, _id, q) => newRunPage(v, q) },
  { path: '/runs/custom', page: (v, _id, q) => customRunPage(v, q) },
  { path: '/runs/:id/predict', page: (v, id) => predictPage(v, id) },
  { path: '/runs/:id', page: (v, id) => runPage(v, id) },
  { path: '/agents', page: (v) => agentsPage(v) },
  { path: '/agents/:id', page: (v, id) => agentPage(v, id) },
  { path: '/compare', page: (v, _id, q) => comparePage(v, q) },
  { path: '/users', admin: true, page: (v) => usersPage(v) },
  { path: '/audit', admin: true, page: (v, _id, q) => auditPage(v, q) },
  { path: '/glossary', page: (v, _id, q) => glossaryPage(v, q.get('focus')) },
  { path: '/account', page: (v) => accountPage(v) },
  { path: '/notifications', page: (v) => notificationsPage(v) },
  { path: '/webhooks', page: (v) => webhooksPage(v) },
  { path: '/runs', page: (v, _id, q) => runsPage(v, q) },
];

/** The route for a path and the id in it; the run table when none matches or the person may not see it. */
export function match(path: string, me: Pick<Me, 'role'> | null, routes: Route[] = ROUTES): { route: Route; id: number } {
  for (const route of routes) {
    const pattern = new RegExp(`^${route.path.replace(':id', '(\\d+)')}$`);
    const m = pattern.exec(path);
    if (m && (!route.admin || me?.role === 'admin')) return { route, id: m[1] ? Number(m[1]) : NaN };
  }
  return { route: routes.find((r) => r.path === '/runs')!, id: NaN };
}
