import { formatNumber, say, t } from '../i18n';
import { codeList } from '../glossary';
// Compare 2-8 runs (#/compare?runs=3,7,12): curves overlaid per metric (x by epoch, step or wall
// time; hovering shows every run's value), only the recipe fields that differ with why they matter,
// results with deltas against the first run, per-class recall, the lineage, and a summary sentence.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { api, type CompareView, type MetricPoint, type Run } from '../api';
import { formatDuration, formatPercent, h, mount, stateBadge } from '../dom';
import { COMPARED } from '../curves';

export const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#be185d', '#4d7c0f'];

type XMode = 'epoch' | 'step' | 'time';

type ChartSpec = (typeof COMPARED)[number];

export async function comparePage(root: HTMLElement, query: URLSearchParams): Promise<void> {
  const ids = (query.get('runs') ?? '')
    .split(',')
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 0);
  if (ids.length < 2 || ids.length > 8) {
    mount(root, h('h1', {}, t('compare.title')), h('p', { class: 'error', role: 'alert' }, t('compare.choose')));
    return;
  }
  const started = performance.now();
  const [view, curves] = await Promise.all([api.compare(ids), api.curves(ids)]);
  const points = new Map<number, MetricPoint[]>(curves.map((c) => [c.runId, c.points]));
  const thinned = curves.filter((c) => c.every > 1);
  const xMode = (query.get('x') as XMode) || 'epoch';
  const axis = h(
    'select',
    { 'aria-label': t('compare.xAxis') },
    ...(['epoch', 'step', 'time'] as XMode[]).map((m) => h('option', { value: m, selected: m === xMode }, t(`compare.x.${m}`))),
  ) as HTMLSelectElement;
  const charts = h('section', { class: 'charts', 'data-testid': 'compare-charts' });
  const links = ids.join(',');

  mount(
    root,
    h(
      'div',
      { class: 'title-row' },
      h('h1', {}, t('compare.titleN', { n: ids.length })),
      h(
        'div',
        { class: 'actions' },
        h(
          'a',
          { class: 'button secondary', href: `/api/compare/export?runs=${links}&format=csv`, download: '', 'data-testid': 'export-csv' },
          t('compare.exportCsv'),
        ),
        h(
          'a',
          { class: 'button', href: `/api/compare/export?runs=${links}&format=html`, download: '', 'data-testid': 'export-html' },
          t('compare.exportHtml'),
        ),
      ),
    ),
    summaryView(view),
    resultsView(view),
    differencesView(view),
    h(
      'div',
      { class: 'filters' },
      h('label', { class: 'inline' }, `${t('compare.xAxis')} `, axis),
      thinned.length
        ? h(
            'span',
            { class: 'hint' },
            t('compare.thinned', {
              every: Math.max(...thinned.map((c) => c.every)),
              of: formatNumber(Math.max(...thinned.map((c) => c.stepPoints))),
            }),
          )
        : null,
    ),
    charts,
    recallView(view),
    lineageView(view),
  );

  const draw = (mode: XMode) => {
    charts.replaceChildren(...COMPARED.map((spec) => overlay(spec, view.runs, points, mode)));
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
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, t('compare.summary')),
    h('ul', { class: 'summary', 'data-testid': 'compare-summary' }, ...view.comparison.summary.map((s) => h('li', {}, s))),
  );
}

function runLabel(r: Run, i: number): HTMLElement {
  return h(
    'span',
    {},
    h('span', { class: 'swatch', style: `background:${COLORS[i]}` }),
    h('a', { href: `#/runs/${r.id}` }, `#${r.id}`),
    ` ${r.name}`,
  );
}

function resultsView(view: CompareView): HTMLElement {
  const c = view.comparison;
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, t('compare.results')),
    h(
      'table',
      { class: 'runs', 'data-testid': 'compare-results' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...(
            [
              'compare.col.run',
              'compare.col.state',
              'review.title',
              'compare.col.bestVal',
              'compare.col.test',
              'compare.col.delta',
              'compare.col.duration',
              'compare.col.speed',
              'compare.col.gap',
            ] as const
          ).map((k) => h('th', {}, t(k))),
        ),
      ),
      h(
        'tbody',
        {},
        ...view.runs.map((r, i) => {
          const res = c.results[i];
          return h(
            'tr',
            { class: res.best ? 'best' : undefined },
            h('td', {}, runLabel(r, i), res.best ? h('strong', {}, t('compare.best')) : null),
            h('td', {}, stateBadge(r.state)),
            h('td', {}, r.review ? `${r.review.decision} by ${r.review.by}` : '—'),
            h('td', {}, formatPercent(res.bestValAccuracy)),
            h('td', {}, formatPercent(res.testAccuracy)),
            h('td', {}, delta(res.testDeltaPoints)),
            h('td', {}, res.durationSeconds === null ? '—' : formatDuration(res.durationSeconds)),
            h('td', {}, res.imagesPerSecond === null ? '—' : String(Math.round(res.imagesPerSecond))),
            h('td', {}, res.gapPoints === null ? '—' : t('evidence.points', { n: res.gapPoints.toFixed(1) })),
          );
        }),
      ),
    ),
  );
}

function delta(points: number | null): HTMLElement | string {
  if (points === null) return '—';
  return h(
    'span',
    { class: points >= 0 ? 'delta-up' : 'delta-down' },
    t('evidence.points', { n: `${points >= 0 ? '+' : ''}${points.toFixed(1)}` }),
  );
}

function show(v: unknown): string {
  if (typeof v === 'number') return String(+v.toPrecision(4));
  if (typeof v === 'boolean') return t(v ? 'story.on' : 'story.off');
  if (v === null || v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function differencesView(view: CompareView): HTMLElement {
  const diffs = view.comparison.differences;
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, t('compare.differs')),
    diffs.length === 0
      ? h('p', {}, t('compare.same'))
      : h(
          'table',
          { class: 'runs', 'data-testid': 'compare-diff' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', {}, t('compare.field')),
              ...view.runs.map((r, i) => h('th', {}, runLabel(r, i))),
              h('th', {}, t('compare.why')),
            ),
          ),
          h(
            'tbody',
            {},
            ...diffs.map((d) =>
              h(
                'tr',
                { 'data-field': d.field },
                h('th', {}, d.label),
                ...d.values.map((v, i) => h('td', { class: i > 0 && show(v) !== show(d.values[0]) ? 'changed' : undefined }, show(v))),
                h('td', { class: 'hint' }, d.help, ...(d.trickIds.length ? [' (', ...codeList(d.trickIds), ')'] : [])),
              ),
            ),
          ),
        ),
  );
}

function recallView(view: CompareView): HTMLElement | null {
  const rows = view.comparison.recall;
  if (!rows.length) return null;
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, t('compare.recall')),
    h(
      'table',
      { class: 'runs', 'data-testid': 'compare-recall' },
      h('thead', {}, h('tr', {}, h('th', {}, t('eval.class')), ...view.runs.map((r, i) => h('th', {}, runLabel(r, i))))),
      h(
        'tbody',
        {},
        ...rows.map((row) =>
          h(
            'tr',
            {},
            h('th', {}, row.className),
            ...row.recall.map((v, i) =>
              h(
                'td',
                {},
                formatPercent(v),
                i > 0 && row.deltaPoints[i] !== null ? ' ' : '',
                i > 0 && row.deltaPoints[i] !== null ? delta(row.deltaPoints[i]) : '',
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function lineageView(view: CompareView): HTMLElement {
  const ids = new Set(view.runs.map((r) => r.id));
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, t('lineage.title')),
    h(
      'ul',
      { 'data-testid': 'compare-lineage' },
      ...view.comparison.runs.map((r) =>
        h(
          'li',
          {},
          `#${r.id} ${r.name}`,
          r.parentId === null
            ? t('compare.byHand')
            : h(
                'span',
                {},
                t('compare.derivedFrom'),
                ids.has(r.parentId) ? `#${r.parentId}` : h('a', { href: `#/runs/${r.parentId}` }, `#${r.parentId}`),
                r.suggestion ? t('compare.byApplying', { suggestion: r.suggestion }) : '',
              ),
        ),
      ),
    ),
  );
}

/** One metric of every run on one chart; x values of all runs are merged, gaps spanned. */
function overlay(spec: ChartSpec, runs: Run[], points: Map<number, MetricPoint[]>, mode: XMode): HTMLElement {
  const figure = h('figure', { class: 'chart', 'data-testid': `compare-chart-${spec.metric}` }, h('figcaption', {}, say(spec.title)));
  const perRun = runs.map((r) => {
    const list = (points.get(r.id) ?? []).filter((p) => p.kind === spec.kind && p.values[spec.metric] !== undefined);
    const t0 = (points.get(r.id) ?? [])[0]?.at ?? 0;
    const x = (p: MetricPoint) =>
      mode === 'step'
        ? p.step
        : mode === 'time'
          ? (p.at - t0) / 1000
          : spec.kind === 'epoch'
            ? p.epoch
            : r.stepsPerEpoch > 0
              ? p.step / r.stepsPerEpoch
              : p.step;
    return new Map(list.map((p) => [x(p), p.values[spec.metric]!]));
  });
  const xs = [...new Set(perRun.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  if (!xs.length) {
    figure.append(h('p', { class: 'hint' }, t('compare.noPoints')));
    return figure;
  }
  const data = [xs, ...perRun.map((m) => xs.map((x) => m.get(x) ?? null))] as uPlot.AlignedData;
  figure.setAttribute('data-points', String(perRun.reduce((n, m) => n + m.size, 0)));
  const label = mode === 'time' ? 'seconds' : mode;
  requestAnimationFrame(() => {
    new uPlot(
      {
        width: Math.max(320, figure.clientWidth - 16),
        height: 240,
        scales: { x: { time: false }, y: spec.range ? { range: spec.range } : {} },
        axes: [{ label }, { size: 60 }],
        series: [
          { label },
          ...runs.map((r, i) => ({
            label: `#${r.id}`,
            stroke: COLORS[i],
            width: 2,
            spanGaps: true,
            points: { show: spec.kind === 'epoch' && xs.length < 60 },
          })),
        ],
      },
      data,
      figure,
    );
  });
  return figure;
}
