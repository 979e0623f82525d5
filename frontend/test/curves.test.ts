import { describe, expect, it } from 'vitest';
import { COMPARED, CURVES, rowOf } from '../src/curves';
import document from '../openapi.json';

/** Each metric's scope from the contract (core's Metric, in the document's x-kiln-metrics). */
const SCOPES: Record<string, { scope: string }> = document.components.schemas.MetricName['x-kiln-metrics'];

const chart = (id: string) => CURVES.find((c) => c.id === id)!;

describe('the curves a run page draws', () => {
  it('takes each row from the point of its own kind, with the smoothed value beside the raw one', () => {
    expect(rowOf(chart('step-loss'), 'step', { loss: 0.9, lr: 0.1 }, 0.95)).toEqual([0.9, 0.95]);
    expect(rowOf(chart('step-loss'), 'epoch', { loss: 0.9 }, 0.95)).toBeNull();
    expect(rowOf(chart('accuracy'), 'epoch', { valAccuracy: 0.8, fitAccuracy: 0.9 }, null)).toEqual([null, 0.8, 0.9]);
  });

  it('draws the gradient norm, and adds no row where a point lacks every value of a chart', () => {
    expect(rowOf(chart('grad-norm'), 'step', { loss: 1, gradNorm: 3.5 }, 1)).toEqual([3.5]);
    expect(rowOf(chart('throughput'), 'step', { loss: 1 }, 1)).toBeNull();
  });

  it('names only metrics the contract has, step charts step metrics and epoch charts epoch metrics', () => {
    for (const c of CURVES) {
      for (const s of c.series) {
        const scope = SCOPES[s.metric].scope;
        expect(scope === 'both' || scope === c.x, `${c.id}: ${s.metric} is a ${scope} metric`).toBe(true);
      }
    }
  });

  it('gives the compare page one overlay per marked series', () => {
    expect(COMPARED.map((c) => c.metric).sort()).toEqual(['loss', 'trainAccuracy', 'valAccuracy', 'valLoss']);
  });
});
