import { api } from '../api';
import { formatPercent, h, mount, stateBadge } from '../dom';

/** The run list; refreshes itself every few seconds so states and accuracies stay current. */
export async function runsPage(root: HTMLElement): Promise<() => void> {
  await renderRuns(root);
  const timer = setInterval(() => renderRuns(root).catch(() => undefined), 3000);
  return () => clearInterval(timer);
}

async function renderRuns(root: HTMLElement) {
  const runs = await api.runs();
  const table = h('table', { class: 'runs', 'aria-label': 'Runs' },
    h('thead', {}, h('tr', {}, ...['Run', 'Dataset', 'State', 'Epoch', 'Best val. accuracy', 'Created'].map((t) => h('th', {}, t)))),
    h('tbody', {}, ...runs.map((r) => h('tr', {},
      h('td', {}, h('a', { href: `#/runs/${r.id}` }, `#${r.id} ${r.name}`)),
      h('td', {}, r.datasetName),
      h('td', {}, stateBadge(r.state)),
      h('td', {}, `${r.currentEpoch} / ${r.totalEpochs}`),
      h('td', {}, formatPercent(r.bestValAccuracy)),
      h('td', {}, new Date(r.createdAt).toLocaleString())))));
  mount(root,
    h('div', { class: 'title-row' }, h('h1', {}, 'Runs'), h('a', { class: 'button', href: '#/runs/new' }, 'New run')),
    runs.length ? table : h('p', { class: 'card' }, 'No runs yet. ', h('a', { href: '#/datasets' }, 'Upload a dataset'),
      ' and launch one.'));
}
