// The metric values a point can carry: the browser's copy of core's Metric enum
// (core/src/main/java/io/kiln/core/metric/Metric.java). A core test (MetricContractTest) checks that
// this table names exactly the same metrics with the same scope, unit and direction.

export type MetricScope = 'step' | 'epoch' | 'both';
export type MetricUnit = 'loss' | 'fraction' | 'rate' | 'images_per_second' | 'seconds' | 'norm' | 'flag' | 'factor';
export type MetricBetter = 'higher' | 'lower' | 'neither';

export interface MetricInfo {
  scope: MetricScope;
  unit: MetricUnit;
  better: MetricBetter;
  label: string;
}

export const METRICS = {
  loss: { scope: 'step', unit: 'loss', better: 'lower', label: 'training loss, averaged since the last point' },
  gradNorm: { scope: 'step', unit: 'norm', better: 'neither', label: 'global gradient norm' },
  lr: { scope: 'both', unit: 'rate', better: 'neither', label: 'learning rate' },
  imagesPerSecond: { scope: 'both', unit: 'images_per_second', better: 'higher', label: 'training speed' },
  trainLoss: { scope: 'epoch', unit: 'loss', better: 'lower', label: 'training loss' },
  trainAccuracy: { scope: 'epoch', unit: 'fraction', better: 'higher', label: 'training accuracy' },
  valLoss: { scope: 'epoch', unit: 'loss', better: 'lower', label: 'validation loss' },
  valAccuracy: { scope: 'epoch', unit: 'fraction', better: 'higher', label: 'validation accuracy' },
  seconds: { scope: 'epoch', unit: 'seconds', better: 'lower', label: 'epoch training time' },
  headOnly: { scope: 'epoch', unit: 'flag', better: 'neither', label: 'head-only epoch' },
  storedFeatures: { scope: 'epoch', unit: 'flag', better: 'neither', label: 'head trained on stored features' },
  featureSeconds: { scope: 'epoch', unit: 'seconds', better: 'lower', label: 'time to compute the features' },
  lrReduced: { scope: 'epoch', unit: 'factor', better: 'neither', label: 'learning rate reduced to this share' },
  earlyStop: { scope: 'epoch', unit: 'flag', better: 'neither', label: 'stopped early' },
} as const satisfies Record<string, MetricInfo>;

export type MetricName = keyof typeof METRICS;
