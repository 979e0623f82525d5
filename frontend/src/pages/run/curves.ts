import type { MetricPoint, Run } from '../../api';
import { LiveChart } from '../../charts';
import { CURVES, rowOf } from '../../curves';
import { h } from '../../dom';
import { say, t } from '../../i18n';

/**
 * The run's charts, one per entry of curves.ts, fed point by point; the step loss is also drawn
 * smoothed by an exponential moving average whose weight the slider sets.
 */
export class RunCurves {
  readonly element: HTMLElement;
  private readonly charts;
  private readonly smoothing = h('input', {
    id: 'smoothing',
    type: 'range',
    min: 0,
    max: 0.99,
    step: 0.01,
    value: 0.6,
  }) as HTMLInputElement;
  private readonly smoothed;
  private readonly smoothedIndex: number;
  private readonly rawIndex: number;
  private ema: number | null = null;
  private rewoundFor = 0;

  constructor() {
    const afterEpoch = t('run.chart.afterEpoch');
    this.charts = CURVES.map((spec) => ({
      spec,
      chart: new LiveChart(
        say(spec.title),
        `chart-${spec.id}`,
        spec.x,
        spec.series.map((x) => ({ label: say(x.label), color: x.color })),
        spec.range,
        spec.x === 'epoch' ? afterEpoch : undefined,
      ),
    }));
    // The one smoothed series (the step loss), and the raw series it follows.
    this.smoothed = this.charts.find((c) => c.spec.series.some((x) => x.smoothed))!;
    const series = this.smoothed.spec.series;
    this.smoothedIndex = series.findIndex((x) => x.smoothed);
    const metric = series[this.smoothedIndex].metric;
    this.rawIndex = series.findIndex((x) => !x.smoothed && x.metric === metric);
    this.smoothing.addEventListener('input', () => this.resmooth());
    this.element = h(
      'section',
      { class: 'charts' },
      ...this.charts.map(({ chart }) =>
        chart === this.smoothed.chart
          ? h('div', {}, chart.element, h('label', { for: 'smoothing' }, `${t('run.smoothing')} `), this.smoothing)
          : chart.element,
      ),
    );
  }

  add(p: MetricPoint) {
    const metric = this.smoothed.spec.series[this.smoothedIndex].metric;
    const value = p.values[metric];
    if (p.kind === this.smoothed.spec.x && value !== undefined && isFinite(value)) {
      const alpha = Number(this.smoothing.value);
      this.ema = this.ema === null ? value : alpha * this.ema + (1 - alpha) * value;
    }
    for (const { spec, chart } of this.charts) {
      const row = rowOf(spec, p.kind, p.values, this.ema);
      if (row) chart.add(spec.x === 'step' ? p.step : p.epoch, row);
    }
  }

  /** A requeued run dropped the points after its checkpoint: the charts drop them too. Says whether it did. */
  rewind(r: Run): boolean {
    if (r.state !== 'queued' || r.attempts === 0 || this.rewoundFor === r.attempts) return false;
    this.rewoundFor = r.attempts;
    const lastStep = r.checkpointEpoch * r.stepsPerEpoch;
    for (const { spec, chart } of this.charts) chart.truncateAfter(spec.x === 'step' ? lastStep : r.checkpointEpoch);
    return true;
  }

  private resmooth() {
    const alpha = Number(this.smoothing.value);
    let m: number | null = null;
    this.smoothed.chart.replaceSeries(
      this.smoothedIndex,
      this.smoothed.chart.column(this.rawIndex).map((v) => (v === null ? m : (m = m === null ? v : alpha * m + (1 - alpha) * v))),
    );
    this.ema = m;
  }
}
