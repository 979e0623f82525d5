import { t } from './i18n';
// uPlot wrappers for the run page: each chart keeps its own columns and redraws on new points.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom';

export interface SeriesSpec {
  label: string;
  color: string;
  dash?: number[];
}

/** A line chart whose x values are appended one row at a time. */
export class LiveChart {
  readonly element: HTMLElement;
  private plot: uPlot | null = null;
  private columns: (number | null)[][];
  private pending = false;

  private readonly placeholder: HTMLElement;

  constructor(
    title: string,
    testId: string,
    private xLabel: string,
    private series: SeriesSpec[],
    private yRange?: [number, number],
    emptyText = t('chart.waiting'),
  ) {
    this.columns = [[], ...series.map(() => [])];
    this.placeholder = h('p', { class: 'hint placeholder' }, emptyText);
    this.element = h('figure', { class: 'chart', 'data-testid': testId, 'data-points': 0 }, h('figcaption', {}, title), this.placeholder);
  }

  get points(): number {
    return this.columns[0].length;
  }

  /** Appends one x value with one y value per series (null where a series has no value). */
  add(x: number, ys: (number | null)[]) {
    this.columns[0].push(x);
    ys.forEach((y, i) => this.columns[i + 1].push(y !== null && isFinite(y) ? y : null));
    this.element.setAttribute('data-points', String(this.columns[0].length));
    this.scheduleRedraw();
  }

  /** Drops the rows after {@code x} (a resumed run reports the epochs after its checkpoint again). */
  truncateAfter(x: number) {
    const keep = this.columns[0].findIndex((v) => v !== null && v > x);
    if (keep < 0) return;
    this.columns = this.columns.map((c) => c.slice(0, keep));
    this.element.setAttribute('data-points', String(this.columns[0].length));
    this.scheduleRedraw();
  }

  /** Replaces a whole series (e.g. the smoothed loss after the smoothing changed). */
  replaceSeries(index: number, values: (number | null)[]) {
    this.columns[index + 1] = values;
    this.scheduleRedraw();
  }

  column(index: number): (number | null)[] {
    return this.columns[index + 1];
  }

  private scheduleRedraw() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private draw() {
    if (this.columns[0].length === 0) return;
    const data = this.columns as uPlot.AlignedData;
    if (!this.plot) {
      this.placeholder.remove();
      const width = Math.max(280, this.element.clientWidth - 16);
      this.plot = new uPlot(
        {
          width,
          height: 220,
          title: undefined,
          scales: { x: { time: false }, y: this.yRange ? { range: this.yRange } : {} },
          axes: [{ label: axisName(this.xLabel) }, { size: 60, values: (_u, splits) => formatTicks(splits) }],
          series: [
            { label: axisName(this.xLabel) },
            ...this.series.map((s) => ({
              label: s.label,
              stroke: s.color,
              dash: s.dash,
              width: 2,
              spanGaps: true,
              points: { show: this.xLabel === 'epoch' },
            })),
          ],
        },
        data,
        this.element,
      );
    } else {
      this.plot.setData(data);
    }
  }
}

/** Tick labels with as many decimals as the tick spacing needs, so 0.0498 and 0.0496 differ. */
function formatTicks(splits: number[]): string[] {
  const spacing = splits.length > 1 ? Math.abs(splits[1] - splits[0]) : Math.abs(splits[0] || 1);
  const decimals = Math.min(10, Math.max(0, Math.ceil(-Math.log10(spacing))));
  return splits.map((v) => (Math.abs(v) >= 1e5 ? v.toExponential(1) : v.toFixed(decimals)));
}

/** The x axis ("step", "epoch", "request") in the person's language. */
function axisName(x: string): string {
  return ['step', 'epoch', 'request'].includes(x) ? t(`chart.x.${x as 'step' | 'epoch' | 'request'}`) : x;
}
