// A suggestion's evidence in words ("validation accuracy 72.6 % and still rising, at epoch 3"),
// with the raw numbers one click away, and recipe fields by their labels.
import { api, type RecipeField } from './api';

const pct = (v: unknown) => `${(Number(v) * 100).toFixed(1)} %`;
const points = (v: unknown) => `${(Number(v) * 100).toFixed(1)} points`;
const num = (v: unknown) => {
  const n = Number(v);
  return Math.abs(n) >= 0.01 || n === 0 ? String(Math.round(n * 10000) / 10000) : n.toExponential(1);
};

/** One phrase per evidence name; names not listed here are shown as "name value". */
const PHRASES: Record<string, (v: unknown, all: Record<string, unknown>) => string | null> = {
  trainAccuracy: (v) => `training accuracy ${pct(v)}`,
  valAccuracy: (v, all) => `validation accuracy ${pct(v)}${all.stillRising === true ? ' and still rising' : ''}`,
  stillRising: () => null,
  gap: (v) => `a gap of ${points(v)} between them`,
  gapEpochsAgo: (v) => `(${points(v)} a few epochs earlier)`,
  valLossRising: (v) => (v === true ? 'validation loss rising while training loss falls' : null),
  epoch: (v) => `at epoch ${v}`,
  epochs: (v) => `over ${v} epochs`,
  bestRecentValAccuracy: (v) => `best recent validation accuracy ${pct(v)}`,
  chance: (v) => `where guessing would score ${pct(v)}`,
  valAccuracyLow: (v, all) => `validation accuracy only between ${pct(v)} and ${pct(all.valAccuracyHigh)}`,
  valAccuracyHigh: () => null,
  lr: (v, all) => `learning rate ${num(v)}${all.startLr !== undefined ? ` (it started at ${num(all.startLr)})` : ''}`,
  startLr: () => null,
  meanSwing: (v) => `validation accuracy swings by ${points(v)} on average`,
  directionChanges: (v) => `changing direction ${v} times`,
  nonFiniteAtReport: (v) => `the loss became infinite or not a number at report ${v}`,
  valLoss: (v, all) => `validation loss ${num(v)}, up from ${num(all.startLoss)} at the start`,
  startLoss: () => null,
  risenTo: (v, all) => `the loss rose to ${num(v)} from its lowest ${num(all.lowest)}`,
  lowest: () => null,
  atReport: (v) => `(report ${v})`,
  batchSize: (v, all) => `batch of ${v} images where the preset uses ${all.referenceBatchSize}`,
  referenceBatchSize: () => null,
  learningRate: (v) => `learning rate ${num(v)}`,
  trainImages: (v) => `${v} training images`,
  suggested: (v) => `suggested rate ${num(v)}`,
};

export function evidenceSentence(evidence: Record<string, unknown>): string {
  const parts = Object.entries(evidence)
    .map(([k, v]) => (PHRASES[k] ? PHRASES[k](v, evidence) : `${k} ${typeof v === 'number' ? num(v) : String(v)}`))
    .filter((p): p is string => !!p);
  const text = parts.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

let labels: Record<string, string> | null = null;
let loading: Promise<void> | null = null;

/** The recipe fields' labels, loaded once; until then (and for unknown names) the name itself. */
export function fieldLabel(name: string): string {
  if (!labels && !loading) {
    loading = api.recipeFields().then((fields: RecipeField[]) => {
      labels = Object.fromEntries(fields.map((f) => [f.name, f.label]));
    }).catch(() => { loading = null; });
  }
  return labels?.[name] ?? name;
}

/** Resolves once the labels are there (for a re-render). */
export function labelsReady(): Promise<void> {
  fieldLabel('');
  return loading ?? Promise.resolve();
}
