// The charts of a run's curves, declared once: the run page draws each chart live, the compare page
// overlays the runs for every series marked `compare`. A metric value the agent reports (core's
// Metric, named in the OpenAPI document) reaches a chart by an entry here and its words in messages/.
import type { MessageKey } from './i18n';
import type { MetricName } from './metrics';

export interface CurveSeries {
  metric: MetricName;
  label: MessageKey;
  color: string;
  /** The series is the metric smoothed (an exponential moving average the page's slider sets). */
  smoothed?: boolean;
  /** The compare page overlays the runs' values of this metric under this title. */
  compare?: MessageKey;
}

export interface CurveChart {
  /** The chart's test id is `chart-<id>`. */
  id: string;
  title: MessageKey;
  /** Which points it draws: per step or per epoch. */
  x: 'step' | 'epoch';
  series: CurveSeries[];
  range?: [number, number];
}

export const CURVES: CurveChart[] = [
  {
    id: 'step-loss',
    title: 'run.chart.stepLoss',
    x: 'step',
    series: [
      { metric: 'loss', label: 'chart.loss', color: '#c7d2fe', compare: 'compare.chart.loss' },
      { metric: 'loss', label: 'chart.smoothed', color: '#4338ca', smoothed: true },
    ],
  },
  {
    id: 'accuracy',
    title: 'run.chart.accuracy',
    x: 'epoch',
    range: [0, 1],
    series: [
      { metric: 'trainAccuracy', label: 'split.train', color: '#0ea5e9', compare: 'compare.chart.trainAccuracy' },
      { metric: 'valAccuracy', label: 'split.val', color: '#f97316', compare: 'compare.chart.valAccuracy' },
      { metric: 'fitAccuracy', label: 'split.fit', color: '#1e3a8a' },
    ],
  },
  {
    id: 'epoch-loss',
    title: 'run.chart.epochLoss',
    x: 'epoch',
    series: [
      { metric: 'trainLoss', label: 'split.train', color: '#0ea5e9' },
      { metric: 'valLoss', label: 'split.val', color: '#f97316', compare: 'compare.chart.valLoss' },
    ],
  },
  { id: 'lr', title: 'run.chart.lr', x: 'step', series: [{ metric: 'lr', label: 'run.learningRate', color: '#16a34a' }] },
  {
    id: 'throughput',
    title: 'run.chart.throughput',
    x: 'step',
    series: [{ metric: 'imagesPerSecond', label: 'chart.imagesPerSecond', color: '#9333ea' }],
  },
  { id: 'grad-norm', title: 'run.chart.gradNorm', x: 'step', series: [{ metric: 'gradNorm', label: 'chart.gradNorm', color: '#dc2626' }] },
];

/** The row a point adds to a chart (null where a series has no value), or null if it adds none. */
export function rowOf(chart: CurveChart, kind: string, values: Partial<Record<MetricName, number>>, smoothed: number | null) {
  if (chart.x !== kind || !chart.series.some((s) => !s.smoothed && values[s.metric] !== undefined)) return null;
  return chart.series.map((s) => (s.smoothed ? smoothed : (values[s.metric] ?? null)));
}

/** The compare page's charts: one per series marked `compare`. */
export const COMPARED = CURVES.flatMap((c) =>
  c.series.filter((s) => s.compare).map((s) => ({ title: s.compare!, metric: s.metric, kind: c.x, range: c.range })),
);
