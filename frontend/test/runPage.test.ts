import { describe, expect, it } from 'vitest';
import type { MetricPoint, Run } from '../src/api';
import { RunActions } from '../src/pages/run/actions';
import { RunProgress } from '../src/pages/run/progress';

const running = {
  id: 7,
  state: 'running',
  createdBy: 'ana',
  parentId: 3,
  lastStep: 5,
  currentEpoch: 1,
  totalEpochs: 4,
  stepsPerEpoch: 10,
  attempts: 1,
  checkpointEpoch: 0,
  startedAt: new Date(Date.now() - 20_000).toISOString(),
  finishedAt: null,
  modelAvailable: false,
  recipe: { headOnlyEpochs: 0 },
} as unknown as Run;

describe('the run page sections', () => {
  it('progress follows the points ahead of the run record, and says where a requeued run resumes', () => {
    const progress = new RunProgress();
    progress.show(running);
    expect(progress.text.textContent).toContain('5');
    progress.saw({ kind: 'step', epoch: 2, step: 20, values: { imagesPerSecond: 123 } } as unknown as MetricPoint);
    progress.show(running);
    expect(progress.bar.value).toBeCloseTo(0.5);
    expect(progress.speed.textContent).toContain('123');
    progress.rewindTo(10, 1);
    progress.show({ ...running, state: 'queued', attempts: 2, checkpointEpoch: 1, lastStep: 10 } as Run);
    expect(progress.bar.value).toBeCloseTo(0.25);
    expect(progress.text.textContent).toMatch(/epoch 1/i);
  });

  it('the buttons are not rebuilt while only the progress moves', () => {
    const actions = new RunActions(() => {});
    actions.show(running);
    const compare = actions.element.querySelector('[data-testid="compare-parent"]');
    expect(compare).not.toBeNull();
    for (let step = 6; step < 30; step++) actions.show({ ...running, lastStep: step } as Run);
    expect(actions.element.querySelector('[data-testid="compare-parent"]')).toBe(compare);
    actions.show({ ...running, state: 'succeeded', modelAvailable: true } as Run);
    expect(actions.element.querySelector('[data-testid="compare-parent"]')).not.toBe(compare);
    expect(actions.element.textContent).toContain('Download');
  });
});
