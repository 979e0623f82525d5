// The charts of a run's curves, declared once: the run page draws each chart live, the compare page
// overlays the runs for every series marked `compare`. A metric value the agent reports (core's
// Metric, named in the OpenAPI document) reaches a chart by an entry here, its words in both
// languages included (a bundle key is used only for words shared with other pages, such as "train").
import type { MessageKey, Words } from './i18n';
import type { MetricName } from './metrics';

export interface CurveSeries {
  metric: MetricName;
  label: MessageKey | Words;
  color: string;
  /** The series is the metric smoothed (an exponential moving average the page's slider sets). */
  smoothed?: boolean;
  /** The compare page overlays the runs' values of this metric under this title. */
  compare?: Words;
}

export interface CurveChart {
  /** The chart's test id is `chart-<id>`. */
  id: string;
  title: Words;
  /** Which points it draws: per step or per epoch. */
  x: 'step' | 'epoch';
  series: CurveSeries[];
  range?: [number, number];
}

export const CURVES: CurveChart[] = [
  {
    id: 'step-loss',
    title: { en: 'Training loss per step', 'zh-CN': '每一步的训练损失' },
    x: 'step',
    series: [
      {
        metric: 'loss',
        label: { en: 'loss', 'zh-CN': '损失' },
        color: '#c7d2fe',
        compare: { en: 'Training loss per step', 'zh-CN': '每步训练损失' },
      },
      { metric: 'loss', label: { en: 'smoothed', 'zh-CN': '平滑' }, color: '#4338ca', smoothed: true },
    ],
  },
  {
    id: 'accuracy',
    title: { en: 'Accuracy per epoch', 'zh-CN': '每轮的准确率' },
    x: 'epoch',
    range: [0, 1],
    series: [
      { metric: 'trainAccuracy', label: 'split.train', color: '#0ea5e9', compare: { en: 'Training accuracy', 'zh-CN': '训练准确率' } },
      { metric: 'valAccuracy', label: 'split.val', color: '#f97316', compare: { en: 'Validation accuracy', 'zh-CN': '验证准确率' } },
      { metric: 'fitAccuracy', label: { en: 'train, clean', 'zh-CN': '训练（无增强）' }, color: '#1e3a8a' },
    ],
  },
  {
    id: 'epoch-loss',
    title: { en: 'Loss per epoch', 'zh-CN': '每轮的损失' },
    x: 'epoch',
    series: [
      { metric: 'trainLoss', label: 'split.train', color: '#0ea5e9' },
      { metric: 'valLoss', label: 'split.val', color: '#f97316', compare: { en: 'Validation loss', 'zh-CN': '验证损失' } },
    ],
  },
  {
    id: 'lr',
    title: { en: 'Learning rate', 'zh-CN': '学习率' },
    x: 'step',
    series: [{ metric: 'lr', label: 'run.learningRate', color: '#16a34a' }],
  },
  {
    id: 'throughput',
    title: { en: 'Throughput (images/s)', 'zh-CN': '吞吐量（图片/秒）' },
    x: 'step',
    series: [{ metric: 'imagesPerSecond', label: { en: 'images/s', 'zh-CN': '图片/秒' }, color: '#9333ea' }],
  },
  {
    id: 'grad-norm',
    title: { en: 'Gradient size per step', 'zh-CN': '每步梯度大小' },
    x: 'step',
    series: [{ metric: 'gradNorm', label: { en: 'gradient norm', 'zh-CN': '梯度范数' }, color: '#dc2626' }],
  },
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
