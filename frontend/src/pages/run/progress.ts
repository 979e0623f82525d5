import type { MetricPoint, Run } from '../../api';
import { formatDuration, h } from '../../dom';
import { formatNumber, t } from '../../i18n';
import { TERMINAL } from './terminal';

/**
 * Progress, time left and speed: text only, updated with every point and every second, so that
 * nothing a person may be focused on is rebuilt while a run is live.
 */
export class RunProgress {
  readonly bar = h('progress', { max: 1, value: 0, 'aria-label': t('run.progressLabel') }) as HTMLProgressElement;
  readonly text = h('p', { 'data-testid': 'progress' }, '');
  /** The speed, shown among the run's facts. */
  readonly speed = h('span', {}, '—');
  private throughput: number | null = null;
  // Progress seen in the points themselves, ahead of the run record (which changes once an epoch).
  private stepSeen = 0;
  private epochSeen = 0;

  saw(p: MetricPoint) {
    this.stepSeen = Math.max(this.stepSeen, p.step);
    this.epochSeen = Math.max(this.epochSeen, p.epoch);
    if (p.kind === 'step' && p.values.imagesPerSecond) this.throughput = p.values.imagesPerSecond;
  }

  /** A requeued run starts again after its checkpoint. */
  rewindTo(step: number, epoch: number) {
    this.stepSeen = Math.min(this.stepSeen, step);
    this.epochSeen = Math.min(this.epochSeen, epoch);
  }

  show(r: Run) {
    const total = r.stepsPerEpoch * r.totalEpochs;
    const step = Math.max(r.lastStep, this.stepSeen);
    const epoch = Math.max(r.currentEpoch, this.epochSeen);
    const done = total > 0 ? Math.min(1, step / total) : 0;
    this.bar.value = r.state === 'succeeded' ? 1 : done;
    const elapsed = r.startedAt ? ((r.finishedAt ? Date.parse(r.finishedAt) : Date.now()) - Date.parse(r.startedAt)) / 1000 : 0;
    const eta = done > 0 && !TERMINAL.includes(r.state) ? (elapsed / done) * (1 - done) : NaN;
    this.text.textContent =
      r.state === 'queued'
        ? r.attempts > 0
          ? t('run.requeued', { where: r.checkpointEpoch ? t('run.requeuedAfter', { epoch: r.checkpointEpoch }) : t('run.requeuedStart') })
          : t('run.waiting')
        : t('run.progress', {
            epoch,
            epochs: r.totalEpochs,
            step,
            total: total ? t('run.progressTotal', { total }) : '',
            elapsed: formatDuration(elapsed),
            left: isFinite(eta) ? t('run.progressLeft', { left: formatDuration(eta) }) : '',
          }) + stageText(r, epoch);
    this.speed.textContent = this.throughput ? t('run.fact.throughputValue', { value: formatNumber(this.throughput) }) : '—';
  }
}

/** Which stage of a two-stage fine-tune (T14) the run is in, while it trains. */
function stageText(r: Run, epoch: number): string {
  const head = Number(r.recipe.headOnlyEpochs);
  if (head === 0 || TERMINAL.includes(r.state) || r.state === 'queued') return '';
  if (head >= r.totalEpochs) return ` · ${t(r.recipe.storedFeatures ? 'run.stage.headOnlyStored' : 'run.stage.headOnly')}`;
  return ` · ${epoch <= head ? t(r.recipe.storedFeatures ? 'run.stage.headStored' : 'run.stage.head') : t('run.stage.all')}`;
}
