import type { Preset, Run } from '../../api';
import { formatPercent, h, Section } from '../../dom';
import { fieldLabel } from '../../evidence';
import { formatNumber, lang, t } from '../../i18n';
import { TERMINAL } from './terminal';

/**
 * What the run is: its data, accuracy with how sure it is, preset and the changes made to it,
 * device, speed, starting weights, recipe, placement and note. Rebuilt only when one of those
 * changes; the speed is an element of its own that the progress updates in place.
 */
export class RunFacts {
  private readonly section = new Section(h('dl', { class: 'facts' }));
  readonly element = this.section.element;
  /** The built-in presets, to tell what the person changed before launch. */
  presets: Preset[] = [];
  /** Pretrained weights' names by key, for the "Starts from" line. */
  pretrainedNames = new Map<string, string>();

  constructor(private readonly speed: HTMLElement) {}

  show(r: Run) {
    const shown = [
      r.datasetId,
      r.datasetName,
      r.datasetVersion,
      r.bestValAccuracy,
      r.validation,
      r.testAccuracy,
      r.state,
      r.adjustments,
      r.presetId,
      r.device,
      r.recipe,
      r.requiredLabels,
      r.minDeviceMemoryGb,
      r.priority,
      r.note,
      this.presets.length,
      [...this.pretrainedNames],
      lang(),
    ];
    this.section.show(shown, () => [
      ...fact(
        t('run.fact.dataset'),
        h('a', { href: `#/datasets/${r.datasetId}` }, t('run.fact.datasetVersion', { name: r.datasetName, version: r.datasetVersion })),
      ),
      ...fact(t('run.fact.bestVal'), bestValView(r)),
      ...fact(
        t('run.fact.test'),
        r.testAccuracy === null
          ? TERMINAL.includes(r.state)
            ? t('run.fact.noTestSplit')
            : t('run.fact.testLater')
          : h('strong', { 'data-testid': 'test-accuracy' }, formatPercent(r.testAccuracy)),
      ),
      ...(r.adjustments
        ? fact(
            t('run.fact.preset'),
            adjustmentsView(
              r,
              this.presets.find((p) => p.id === r.presetId),
            ),
          )
        : []),
      ...fact(t('run.fact.device'), plainDevice(r.device)),
      ...fact(t('run.fact.throughput'), this.speed),
      ...fact(t('run.fact.start'), h('span', { 'data-testid': 'run-start' }, this.startLine(r))),
      ...fact(
        t('run.fact.recipe'),
        t('run.recipeLine', {
          architecture: String(r.recipe.architecture),
          optimizer: String(r.recipe.optimizer),
          lr: String(r.recipe.learningRate),
          schedule: String(r.recipe.schedule),
          batch: String(r.recipe.batchSize),
          wd: String(r.recipe.weightDecay),
        }),
      ),
      ...(r.requiredLabels.length || r.minDeviceMemoryGb !== null || r.priority !== 0
        ? fact(
            t('run.fact.runsOn'),
            [
              r.requiredLabels.length ? t('run.labelled', { labels: r.requiredLabels.join(', ') }) : t('run.anyAgent'),
              r.minDeviceMemoryGb !== null ? t('run.atLeast', { gb: r.minDeviceMemoryGb }) : '',
              r.priority !== 0 ? t('run.priority', { n: r.priority }) : '',
            ]
              .filter((x) => x)
              .join(' · '),
          )
        : []),
      ...(r.note ? fact(t('run.fact.note'), r.note) : []),
    ]);
  }

  /**
   * Where the weights started (T13), at what size, and the stages (T14): e.g. "ResNet-18, ImageNet
   * at 112 px; the head alone, on stored features".
   */
  private startLine(r: Run): string {
    const recipe = r.recipe;
    const weights = String(recipe.initialWeights);
    const from =
      weights === 'pretrained'
        ? t('run.start.pretrained', {
            name: this.pretrainedNames.get(String(recipe.pretrainedWeights)) ?? String(recipe.pretrainedWeights),
          })
        : weights === 'run'
          ? t('run.start.run', { id: String(recipe.initialRunId) })
          : weights === 'backbone'
            ? t('run.start.backbone', { id: String(recipe.backboneId) })
            : t('run.start.random');
    const head = Number(recipe.headOnlyEpochs);
    const stages =
      head === 0
        ? ''
        : head >= Number(recipe.epochs)
          ? t(recipe.storedFeatures ? 'run.start.headOnlyStored' : 'run.start.headOnly')
          : t(recipe.storedFeatures ? 'run.start.headFirstStored' : 'run.start.headFirst', { epochs: head });
    return [t('run.start.size', { from, size: String(recipe.inputSize) }), stages].filter((x) => x).join('; ');
  }
}

/** The best validation accuracy with how sure it is; a note when the split is too small to judge (T16). */
function bestValView(r: Run): string | HTMLElement {
  const v = r.validation;
  if (!v) return formatPercent(r.bestValAccuracy);
  const pm = formatNumber(v.plusMinus * 100, 1);
  return h(
    'div',
    {},
    t('run.fact.plusMinus', { v: formatPercent(r.bestValAccuracy), pm, n: formatNumber(v.images) }),
    v.enough
      ? null
      : h(
          'p',
          { class: 'hint', 'data-testid': 'validation-small' },
          t('run.validationSmall', { n: formatNumber(v.images), pm, needed: formatNumber(v.imagesNeeded) }),
          h('a', { href: `#/datasets/${r.datasetId}` }, t('run.validationResplit')),
        ),
  );
}

/** "cpu()" and "gpu(0)" as people say them. */
function plainDevice(device: string | null): string {
  if (!device) return '—';
  return device
    .split(/,\s*/)
    .map((d) => d.replace(/^cpu\(\)$/, t('device.cpu')).replace(/^gpu\((\d+)\)$/, (_m, i) => t('device.gpu', { n: Number(i) + 1 })))
    .join(', ');
}

function fact(term: string, value: string | HTMLElement): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, value)];
}

/**
 * The preset the run started from, what Kiln changed for its dataset (T6, T8, T10, T13, T17) and
 * what the person changed themselves (compared with the preset's own fields, once they are loaded).
 */
function adjustmentsView(r: Run, preset: Preset | undefined): HTMLElement {
  const a = r.adjustments!;
  const line = (x: { field: string; from: unknown; to: unknown; trickId: string; why: string }) =>
    h('li', { title: x.field }, `${fieldLabel(x.field)}: ${x.from} → ${x.to} (${x.trickId}): ${x.why}`);
  const adjusted = new Set(a.applied.map((x) => x.field));
  const changed = preset
    ? Object.entries(preset.fields).filter(([k, v]) => !adjusted.has(k) && JSON.stringify(r.recipe[k]) !== JSON.stringify(v))
    : [];
  return h(
    'div',
    { 'data-testid': 'run-preset' },
    a.presetName,
    a.applied.length ? h('ul', { class: 'adjustments' }, ...a.applied.map(line)) : null,
    changed.length
      ? h(
          'p',
          { class: 'hint', 'data-testid': 'run-preset-changed' },
          t('run.changedBeforeLaunch') +
            changed.map(([k, v]) => `${fieldLabel(k)} ${JSON.stringify(v)} → ${JSON.stringify(r.recipe[k])}`).join(', '),
        )
      : !a.applied.length && preset
        ? t('run.usedAsIs')
        : null,
    a.undone.length ? h('p', { class: 'hint' }, t('run.undone', { fields: a.undone.map((x) => fieldLabel(x.field)).join(', ') })) : null,
  );
}
