import { codeList } from '../glossary';
// Compare 2-8 runs (#/compare?runs=3,7,12): curves overlaid per metric (x by epoch, step or wall
// time; hovering shows every run's value), only the recipe fields that differ with why they matter,
// results with deltas against the first run, per-class recall, the lineage, and a summary sentence.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, type CompareView, type MetricPoint, type Run } from '../api';
import { formatDuration, formatPercent, h, mount, stateBadge } from '../dom';
import type { MetricName } from '../metrics';

export const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f'];

type XMode = 'epoch' | 'step' | 'time';

interface ChartSpec {
  title: string;
  metric: MetricName;
  kind: 'step' | 'epoch';
  range?: [number, number];
}

const CHARTS: ChartSpec[] = [
  { title: 'Validation accuracy', metric: 'valAccuracy', kind: 'epoch', range: [0, 1] },
  { title: 'Validation loss', metric: 'valLoss', kind: 'epoch' },
  { title: 'Training accuracy', metric: 'trainAccuracy', kind: 'epoch', range: [0, 1] },
  { title: 'Training loss per step', metric: 'loss', kind: 'step' },
];

export async function comparePage(root: HTMLElement, query: URLSearchParams): Promise<void> {
  const ids = (query.get('runs') ?? '').split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
  if (ids.length < 2 || ids.length > 8) {
    mount(root, h('h1', {}, 'Compare runs'), h('p', { class: 'error', role: 'alert' },
      'Choose 2 to 8 runs to compare: tick them in the run table, then press “Compare selected”.'));
    return;
  }
  const started = performance.now();
  const [view, curves] = await Promise.all([api.compare(ids), api.curves(ids)]);
  const points = new Map<number, MetricPoint[]>(curves.map((c) => [c.runId, c.points]));
  const thinned = curves.filter((c) => c.every > 1);
  const xMode = (query.get('x') as XMode) || 'epoch';
  const axis = h('select', { 'aria-label': 'X axis' }, ...(['epoch', 'step', 'time'] as XMode[]).map((m) =>
    h('option', { value: m, selected: m === xMode }, m === 'time' ? 'wall time' : m))) as HTMLSelectElement;
  const charts = h('section', { class: 'charts', 'data-testid': 'compare-charts' });
  const links = ids.join(',');

  mount(root,
    h('div', { class: 'title-row' }, h('h1', {}, `Compare ${ids.length} runs`),
      h('div', { class: 'actions' },
        h('a', { class: 'button secondary', href: `/api/compare/export?runs=${links}&format=csv`, download: '', 'data-testid': 'export-csv' }, 'Export CSV'),
        h('a', { class: 'button', href: `/api/compare/export?runs=${links}&format=html`, download: '', 'data-testid': 'export-html' }, 'Export report (HTML)'))),
    summaryView(view),
    resultsView(view),
    differencesView(view),
    h('div', { class: 'filters' }, h('label', { class: 'inline' }, 'X axis ', axis),
      thinned.length ? h('span', { class: 'hint' }, `Step curves show every ${Math.max(...thinned.map((c) => c.every))}th point`
        + ` of up to ${Math.max(...thinned.map((c) => c.stepPoints)).toLocaleString()} (each run's page has them all).`) : null),
    charts,
    recallView(view),
    lineageView(view));

  const draw = (mode: XMode) => {
    charts.replaceChildren(...CHARTS.map((spec) => overlay(spec, view.runs, points, mode)));
  };
  axis.addEventListener('change', () => {
    const params = new URLSearchParams(query);
    params.set('x', axis.value);
    history.replaceState(null, '', `#/compare?${params}`);
    draw(axis.value as XMode);
  });
  draw(xMode);
  requestAnimationFrame(() => {
    root.setAttribute('data-testid', 'compare-ready');
    root.setAttribute('data-render-ms', String(Math.round(performance.now() - started)));
  });
}

function summaryView(view: CompareView): HTMLElement {
  return h('section', { class: 'card' }, h('h2', {}, 'Summary'),
    h('ul', { class: 'summary', 'data-testid': 'compare-summary' }, ...view.comparison.summary.map((s) => h('li', {}, s))));
}

function runLabel(r: Run, i: number): HTMLElement {
  return h('span', {}, h('span', { class: 'swatch', style: `background:${COLORS[i]}` }),
    h('a', { href: `#/runs/${r.id}` }, `#${r.id}`), ` ${r.name}`);
}

function resultsView(view: CompareView): HTMLElement {
  const c = view.comparison;
  return h('section', { class: 'card' }, h('h2', {}, 'Results'),
    h('table', { class: 'runs', 'data-testid': 'compare-results' },
      h('thead', {}, h('tr', {}, ...['Run', 'State', 'Review', 'Best val. acc.', 'Test acc.', 'Δ vs first', 'Duration', 'Images/s', 'Overfitting gap']
        .map((t) => h('th', {}, t)))),
      h('tbody', {}, ...view.runs.map((r, i) => {
        const res = c.results[i];
        return h('tr', { class: res.best ? 'best' : undefined },
          h('td', {}, runLabel(r, i), res.best ? h('strong', {}, ' (best)') : null),
          h('td', {}, stateBadge(r.state)),
          h('td', {}, r.review ? `${r.review.decision} by ${r.review.by}` : '—'),
          h('td', {}, formatPercent(res.bestValAccuracy)),
          h('td', {}, formatPercent(res.testAccuracy)),
          h('td', {}, delta(res.testDeltaPoints)),
          h('td', {}, res.durationSeconds === null ? '—' : formatDuration(res.durationSeconds)),
          h('td', {}, res.imagesPerSecond === null ? '—' : String(Math.round(res.imagesPerSecond))),
          h('td', {}, res.gapPoints === null ? '—' : `${res.gapPoints.toFixed(1)} points`));
      }))));
}

function delta(points: number | null): HTMLElement | string {
  if (points === null) return '—';
  return h('span', { class: points >= 0 ? 'delta-up' : 'delta-down' }, `${points >= 0 ? '+' : ''}${points.toFixed(1)} points`);
}

function show(v: unknown): string {
  if (typeof v === 'number') return String(+v.toPrecision(4));
  if (v === null || v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function differencesView(view: CompareView): HTMLElement {
  const diffs = view.comparison.differences;
  return h('section', { class: 'card' }, h('h2', {}, 'What differs in the recipes'),
    diffs.length === 0 ? h('p', {}, 'The recipes are the same.')
      : h('table', { class: 'runs', 'data-testid': 'compare-diff' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Field'), ...view.runs.map((r, i) => h('th', {}, runLabel(r, i))), h('th', {}, 'Why it matters'))),
        h('tbody', {}, ...diffs.map((d) => h('tr', { 'data-field': d.field },
          h('th', {}, d.label),
          ...d.values.map((v, i) => h('td', { class: i > 0 && show(v) !== show(d.values[0]) ? 'changed' : undefined }, show(v))),
          h('td', { class: 'hint' }, d.help, ...(d.trickIds.length ? [' (', ...codeList(d.trickIds), ')'] : [])))))));
}

function recallView(view: CompareView): HTMLElement | null {
  const rows = view.comparison.recall;
  if (!rows.length) return null;
  return h('section', { class: 'card' }, h('h2', {}, 'Recall per class'),
    h('table', { class: 'runs', 'data-testid': 'compare-recall' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Class'), ...view.runs.map((r, i) => h('th', {}, runLabel(r, i))))),
      h('tbody', {}, ...rows.map((row) => h('tr', {}, h('th', {}, row.className),
        ...row.recall.map((v, i) => h('td', {}, formatPercent(v), i > 0 && row.deltaPoints[i] !== null ? ' ' : '',
          i > 0 && row.deltaPoints[i] !== null ? delta(row.deltaPoints[i]) : '')))))));
}

function lineageView(view: CompareView): HTMLElement {
  const ids = new Set(view.runs.map((r) => r.id));
  return h('section', { class: 'card' }, h('h2', {}, 'Lineage'),
    h('ul', { 'data-testid': 'compare-lineage' }, ...view.comparison.runs.map((r) => h('li', {},
      `#${r.id} ${r.name}`,
      r.parentId === null ? ' — launched by hand'
        : h('span', {}, ' — derived from ', ids.has(r.parentId) ? `#${r.parentId}` : h('a', { href: `#/runs/${r.parentId}` }, `#${r.parentId}`),
          r.suggestion ? ` by applying “${r.suggestion}”` : '')))));
}

/** One metric of every run on one chart; x values of all runs are merged, gaps spanned. */
function overlay(spec: ChartSpec, runs: Run[], points: Map<number, MetricPoint[]>, mode: XMode): HTMLElement {
  const figure = h('figure', { class: 'chart', 'data-testid': `compare-chart-${spec.metric}` }, h('figcaption', {}, spec.title));
  const perRun = runs.map((r) => {
    const list = (points.get(r.id) ?? []).filter((p) => p.kind === spec.kind && p.values[spec.metric] !== undefined);
    const t0 = (points.get(r.id) ?? [])[0]?.at ?? 0;
    const x = (p: MetricPoint) => mode === 'step' ? p.step : mode === 'time' ? (p.at - t0) / 1000
      : spec.kind === 'epoch' ? p.epoch : r.stepsPerEpoch > 0 ? p.step / r.stepsPerEpoch : p.step;
    return new Map(list.map((p) => [x(p), p.values[spec.metric]!]));
  });
  const xs = [...new Set(perRun.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  if (!xs.length) {
    figure.append(h('p', { class: 'hint' }, 'No points yet.'));
    return figure;
  }
  const data = [xs, ...perRun.map((m) => xs.map((x) => m.get(x) ?? null))] as uPlot.AlignedData;
  figure.setAttribute('data-points', String(perRun.reduce((n, m) => n + m.size, 0)));
  const label = mode === 'time' ? 'seconds' : mode;
  requestAnimationFrame(() => {
    new uPlot({
      width: Math.max(320, figure.clientWidth - 16),
      height: 240,
      scales: { x: { time: false }, y: spec.range ? { range: spec.range } : {} },
      axes: [{ label }, { size: 60 }],
      series: [{ label }, ...runs.map((r, i) => ({ label: `#${r.id}`, stroke: COLORS[i], width: 2, spanGaps: true,
        points: { show: spec.kind === 'epoch' && xs.length < 60 } }))],
    }, data, figure);
  });
  return figure;
}
