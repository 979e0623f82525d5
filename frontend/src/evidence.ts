// A suggestion's evidence in words ("validation accuracy 72.6 % and still rising, at epoch 3"),
// with the raw numbers one click away, and recipe fields by their labels.
import { api, type RecipeField } from './api';
import { lang, t } from './i18n';

const pct = (v: unknown) => `${(Number(v) * 100).toFixed(1)} %`;
const points = (v: unknown) => t('evidence.points', { n: (Number(v) * 100).toFixed(1) });
const num = (v: unknown) => {
  const n = Number(v);
  return Math.abs(n) >= 0.01 || n === 0 ? String(Math.round(n * 10000) / 10000) : n.toExponential(1);
};

/** How sure a validation accuracy is, where the rule knew the split's size (issue 32, T16). */
const plusMinus = (all: Record<string, unknown>) =>
  all.valPlusMinus === undefined ? '' : t('evidence.plusMinus', { v: points(all.valPlusMinus), n: String(all.valImages) });

/** One phrase per evidence name; names not listed here are shown as "name value". */
const PHRASES: Record<string, (v: unknown, all: Record<string, unknown>) => string | null> = {
  trainAccuracy: (v) => t('evidence.trainAccuracy', { v: pct(v) }),
  valAccuracy: (v, all) =>
    t('evidence.valAccuracy', { v: pct(v) }) + plusMinus(all) + (all.stillRising === true ? t('evidence.stillRising') : ''),
  valImages: () => null,
  valPlusMinus: () => null,
  fitAccuracy: (v) => t('evidence.fitAccuracy', { v: pct(v) }),
  gapNoise: (v) => t('evidence.gapNoise', { v: points(v) }),
  swingNoise: (v) => t('evidence.swingNoise', { v: points(v) }),
  stillRising: () => null,
  gap: (v) => t('evidence.gap', { v: points(v) }),
  gapEpochsAgo: (v) => t('evidence.gapEarlier', { v: points(v) }),
  valLossRising: (v) => (v === true ? t('evidence.valLossRising') : null),
  epoch: (v) => t('evidence.epoch', { v: String(v) }),
  epochs: (v) => t('evidence.epochs', { v: String(v) }),
  bestRecentValAccuracy: (v) => t('evidence.bestRecent', { v: pct(v) }),
  chance: (v) => t('evidence.chance', { v: pct(v) }),
  valAccuracyLow: (v, all) => t('evidence.between', { low: pct(v), high: pct(all.valAccuracyHigh) }) + plusMinus(all),
  valAccuracyHigh: () => null,
  bestBefore: (v) => t('evidence.bestBefore', { v: pct(v) }),
  lr: (v, all) => t('evidence.lr', { v: num(v) }) + (all.startLr !== undefined ? t('evidence.startedAt', { v: num(all.startLr) }) : ''),
  startLr: () => null,
  meanSwing: (v) => t('evidence.swing', { v: points(v) }),
  directionChanges: (v) => t('evidence.directionChanges', { v: String(v) }),
  nonFiniteAtReport: (v) => t('evidence.nonFinite', { v: String(v) }),
  valLoss: (v, all) => t('evidence.valLoss', { v: num(v), start: num(all.startLoss) }),
  startLoss: () => null,
  valLossNow: (v, all) => t('evidence.valLossNow', { v: num(v), low: num(all.lowestValLoss) }),
  lowestValLoss: () => null,
  risenTo: (v, all) => t('evidence.risen', { v: num(v), lowest: num(all.lowest) }),
  lowest: () => null,
  atReport: (v) => t('evidence.atReport', { v: String(v) }),
  batchSize: (v, all) => t('evidence.batch', { v: String(v), reference: String(all.referenceBatchSize) }),
  referenceBatchSize: () => null,
  learningRate: (v) => t('evidence.learningRate', { v: num(v) }),
  trainImages: (v) => t('evidence.trainImages', { v: String(v) }),
  suggested: (v) => t('evidence.suggested', { v: num(v) }),
  notRepeated: (v) =>
    t('evidence.notRepeated', {
      items: (Array.isArray(v) ? (v as { field: string; run: number; helped: boolean }[]) : [])
        .map((x) => t(x.helped ? 'evidence.notUndone' : 'evidence.triedInVain', { field: fieldLabel(x.field), run: x.run }))
        .join(t('evidence.separator')),
    }),
};

export function evidenceSentence(evidence: Record<string, unknown>): string {
  const parts = Object.entries(evidence)
    .map(([k, v]) => (PHRASES[k] ? PHRASES[k](v, evidence) : `${k} ${typeof v === 'number' ? num(v) : String(v)}`))
    .filter((p): p is string => !!p);
  const text = parts.join(t('evidence.separator'));
  return text.charAt(0).toUpperCase() + text.slice(1) + t('lineage.end');
}

let labels: Record<string, string> | null = null;
let loading: Promise<void> | null = null;
let labelsLang: string | null = null;

/** The recipe fields' labels, loaded once per language; until then (and for unknown names) the name itself. */
export function fieldLabel(name: string): string {
  if (labelsLang !== lang()) {
    labels = null;
    loading = null;
    labelsLang = lang();
  }
  if (!labels && !loading) {
    loading = api
      .recipeFields()
      .then((fields: RecipeField[]) => {
        labels = Object.fromEntries(fields.map((f) => [f.name, f.label]));
      })
      .catch(() => {
        loading = null;
      });
  }
  return labels?.[name] ?? name;
}

/** Resolves once the labels are there (for a re-render). */
export function labelsReady(): Promise<void> {
  fieldLabel('');
  return loading ?? Promise.resolve();
}
