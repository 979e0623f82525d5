import { codeList, withCodes } from '../glossary';
import { api, ApiError, type Adjustment, type Dataset, type Preset, type PresetPreview, type RunRequest } from '../api';
import { placementFields } from '../placement';
import { formatDuration, h, mount } from '../dom';
import { read, row, show, showFieldErrors, type Input } from '../recipeForm';

type Goal = 'fast' | 'accuracy' | 'small-data';

const GOALS: { id: Goal; title: string; text: string }[] = [
  { id: 'fast', title: 'Fast', text: 'A good model quickly, to see what the data can do.' },
  { id: 'accuracy', title: 'Best accuracy', text: 'Train longer and harder for the last points of accuracy.' },
  { id: 'small-data', title: 'Small data', text: 'Fewer than about 1,000 images: start from a pretrained network.' },
];

/** Fields shown in plain view on the review step; the rest are folded away. */
const BASIC = ['epochs', 'batchSize', 'learningRate', 'inputSize'];

/**
 * The new-run wizard: dataset, goal, preset, then a review of what will train (with the
 * adjustments Kiln made for this dataset, each undoable, and a time estimate), then launch.
 */
export async function newRunPage(root: HTMLElement, query: URLSearchParams) {
  const [datasets, presets, fields, backbones, runs, agents] = await Promise.all([api.datasets(), api.presets(),
    api.recipeFields(), api.backbones(), api.runs(), api.agents().catch(() => [])]);
  if (datasets.length === 0) {
    mount(root, h('h1', {}, 'New run'), h('p', { class: 'card' }, 'Upload a dataset first: ',
      h('a', { href: '#/datasets' }, 'go to Datasets'), '.'));
    return;
  }
  const byName = new Map(fields.map((f) => [f.name, f]));
  const overrides = new Map<string, unknown>();
  const undo = new Set<string>();
  let dataset: Dataset = datasets.find((d) => String(d.id) === query.get('dataset')) ?? datasets[0];
  let preset: Preset | null = null;
  let preview: PresetPreview | null = null;

  const datasetSelect = h('select', { id: 'wizard-dataset', 'aria-label': 'Dataset' },
    ...datasets.map((d) => h('option', { value: d.id, selected: d.id === dataset.id },
      `${d.name} v${d.version} (${d.imageCount} images, ${d.classNames.length} classes)`))) as HTMLSelectElement;
  const datasetInfo = h('p', { class: 'hint' });
  const trainImages = () => Object.values(dataset.splitCounts.train ?? {}).reduce((a, b) => a + b, 0);
  const goalList = h('div', { class: 'choices', role: 'radiogroup', 'aria-label': 'Goal' });
  const presetList = h('div', { class: 'choices presets', role: 'radiogroup', 'aria-label': 'Preset' });
  const review = h('section', { class: 'card', 'aria-label': 'Review', 'data-testid': 'review' });
  const error = h('div', { class: 'error', role: 'alert', 'data-testid': 'launch-error' });
  let goal: Goal = trainImages() < 1000 ? 'small-data' : 'fast';

  const renderGoals = () => goalList.replaceChildren(...GOALS.map((g) => choice('goal', g.id, g.id === goal,
    h('strong', {}, g.title), h('span', { class: 'hint' }, g.text), () => {
      goal = g.id;
      renderPresets(true);
    })));
  const renderPresets = (pickFirst: boolean) => {
    const ordered = [...presets.filter((p) => p.goal === goal), ...presets.filter((p) => p.goal !== goal)];
    if (pickFirst || !preset) choosePreset(ordered[0]);
    presetList.replaceChildren(...ordered.map((p) => choice('preset', p.id, p.id === preset?.id,
      h('strong', {}, p.name + (p.builtIn ? '' : ' (team preset)')),
      h('span', {}, `When: ${p.whenToUse}. Cost: ${p.cost}.`),
      h('span', { class: 'hint' }, ...withCodes(p.description)),
      h('span', { class: 'tricks' }, ...codeList(p.trickIds)),
      () => choosePreset(p))));
  };
  // Picking a preset only changes what is checked: the list is not rebuilt, so the keyboard focus
  // stays on the radio button the arrow keys moved to.
  const choosePreset = (p: Preset) => {
    preset = p;
    overrides.clear();
    undo.clear();
    startingWeightsDefaults();
    void refresh();
  };
  /**
   * A pretrained preset needs weights to start from (T13): an uploaded backbone where the preset
   * asks for one and there is one, else the newest finished run, so the preview is valid at once
   * and "Start from" shows what will be used.
   */
  const startingWeightsDefaults = () => {
    const weights = preset?.fields.initialWeights;
    if (weights !== 'backbone' && weights !== 'run') return;
    const finished = runs.filter((r) => r.state === 'succeeded');
    if (weights === 'backbone' && backbones.length) {
      overrides.set('backboneId', backbones[0].id);
    } else if (finished.length) {
      overrides.set('initialWeights', 'run').set('initialRunId', finished[0].id)
        .set('architecture', finished[0].recipe.architecture);
    } else if (backbones.length) {
      overrides.set('initialWeights', 'backbone').set('architecture', 'backbone').set('backboneId', backbones[0].id);
    }
  };

  const inputs = new Map<string, Input>();
  const basicRows = h('div', {}, ...BASIC.map((n) => row(byName.get(n)!, inputs)));
  const advancedGroups = [...new Set(fields.filter((f) => !BASIC.includes(f.name)).map((f) => f.group))];
  const advanced = h('details', { 'data-testid': 'advanced' }, h('summary', {}, 'Every setting (advanced)'),
    ...advancedGroups.map((g) => h('fieldset', {}, h('legend', {}, g),
      ...fields.filter((f) => f.group === g && !BASIC.includes(f.name)).map((f) => row(f, inputs)))));
  // Typing updates the launch fields at once and asks for a new preview after a short pause; nothing
  // runs on blur, so clicking Launch straight after typing is never disturbed.
  let pause: number | undefined;
  for (const [name, input] of inputs) {
    const f = byName.get(name)!;
    const typed = input instanceof HTMLInputElement && input.type !== 'checkbox';
    input.addEventListener(typed ? 'input' : 'change', () => {
      const value = read(f, input);
      if (value === undefined) overrides.delete(name);
      else overrides.set(name, value);
      window.clearTimeout(pause);
      pause = window.setTimeout(() => void refresh(), typed ? 300 : 0);
    });
  }
  const adjustments = h('div', { 'data-testid': 'adjustments' });
  const estimate = h('p', { 'data-testid': 'estimate' });
  // Admins see the agents: the estimate can then be for one of them (runs go to the next free agent).
  const agentSelect = h('select', { id: 'wizard-agent' },
    h('option', { value: '' }, 'any agent'),
    ...agents.filter((a) => !a.revoked && a.connected).map((a) => h('option', { value: a.id },
      `${a.name} (${a.devices.map((d) => d.name).join(', ') || 'no devices reported'})`))) as HTMLSelectElement;
  agentSelect.addEventListener('change', () => void refresh());
  const weights = h('div', {});
  const runName = h('input', { id: 'wizard-name', placeholder: 'optional' }) as HTMLInputElement;
  const autopilot = h('input', { id: 'wizard-autopilot', type: 'number', min: 0, max: 10, value: '0' }) as HTMLInputElement;
  const placement = placementFields('wizard');
  const launch = h('button', { type: 'button' }, 'Launch training') as HTMLButtonElement;

  let asked = 0;
  async function refresh() {
    if (!preset) return;
    const mine = ++asked;
    error.replaceChildren();
    showFieldErrors(review, inputs, []);
    try {
      const answer = await api.previewPreset(preset.id, { datasetId: dataset.id, fields: Object.fromEntries(overrides),
        undoAdjustments: [...undo], agentId: agentSelect.value ? Number(agentSelect.value) : undefined });
      if (mine !== asked) return; // a newer question is on its way: its answer wins
      preview = answer;
      for (const [name, input] of inputs) {
        if (!overrides.has(name)) show(byName.get(name)!, input, preview.recipe[name]);
      }
      renderAdjustments(preview.adjustments, preview.undone);
      const e = preview.estimate;
      estimate.textContent = `About ${formatDuration(e.secondsPerEpoch)} per epoch at ${e.imagesPerSecond.toLocaleString()} `
        + `images/s, ${formatDuration(e.totalSeconds)} for ${preview.recipe.epochs} epochs (${e.basis}).`;
    } catch (err) {
      if (mine !== asked) return;
      preview = null;
      estimate.textContent = 'No estimate until the settings below are valid.';
      showError(err);
    }
    renderWeights();
  }

  function renderAdjustments(applied: Adjustment[], undone: Adjustment[]) {
    const item = (a: Adjustment, isUndone: boolean) => h('li', { class: isUndone ? 'undone' : '', 'data-field': a.field },
      h('strong', {}, `${label(a.field)}: ${fmt(a.from)} → ${fmt(a.to)}`), ` (${a.trickId}) `, h('span', {}, `Why: ${a.why}.`),
      h('button', { type: 'button', class: 'small', onclick: () => {
        if (isUndone) undo.delete(a.field);
        else undo.add(a.field);
        void refresh();
      } }, isUndone ? 'Redo' : 'Undo'));
    adjustments.replaceChildren(
      h('h3', {}, 'Adjusted for this dataset'),
      applied.length || undone.length ? h('ul', { class: 'adjustments' }, ...applied.map((a) => item(a, false)),
        ...undone.map((a) => item(a, true)))
        : h('p', { class: 'hint' }, 'Nothing to adjust: the preset fits this dataset and batch size as it is.'));
  }

  function renderWeights() {
    const needs = preview?.recipe.initialWeights ?? preset?.fields.initialWeights;
    if (needs !== 'backbone' && needs !== 'run') {
      weights.replaceChildren();
      return;
    }
    const finished = runs.filter((r) => r.state === 'succeeded');
    const select = h('select', { id: 'wizard-weights', 'aria-label': 'Start from' },
      ...backbones.map((b) => h('option', { value: `backbone:${b.id}`, selected: needs === 'backbone' && overrides.get('backboneId') === b.id },
        `uploaded backbone #${b.id} ${b.name}`)),
      ...finished.map((r) => h('option', { value: `run:${r.id}`, selected: needs === 'run' && overrides.get('initialRunId') === r.id },
        `run #${r.id} ${r.name} (${r.recipe.architecture})`))) as HTMLSelectElement;
    select.addEventListener('change', () => {
      const [kind, id] = select.value.split(':');
      for (const key of ['backboneId', 'initialRunId', 'initialWeights', 'architecture']) overrides.delete(key);
      if (kind === 'backbone') {
        overrides.set('initialWeights', 'backbone').set('architecture', 'backbone').set('backboneId', Number(id));
      } else {
        const run = finished.find((r) => r.id === Number(id))!;
        overrides.set('initialWeights', 'run').set('initialRunId', run.id).set('architecture', run.recipe.architecture);
      }
      void refresh();
    });
    weights.replaceChildren(h('label', { for: 'wizard-weights' }, 'Start from (pretrained weights, T13)'),
      backbones.length + finished.length ? select
        : h('p', { class: 'warning' }, 'This preset starts from pretrained weights, and there are none yet: upload a '
          + 'backbone on the Datasets page, or finish a run first.'));
  }

  /** Field errors next to their fields, once; the rest (and a pointer to them) under Launch. */
  function showError(err: unknown) {
    if (err instanceof ApiError) {
      const rest = showFieldErrors(review, inputs, err.fields);
      const shown = err.fields.length - rest.length;
      if (shown > 0) advanced.toggleAttribute('open', [...inputs].some(([n, i]) => i.getAttribute('aria-invalid') && !BASIC.includes(n)));
      error.replaceChildren(
        ...(rest.length ? rest.map((f) => h('p', {}, `${label(f.field)}: ${f.message}`)) : err.fields.length ? [] : [h('p', {}, err.message)]),
        ...(shown ? [h('p', {}, shown === 1 ? 'One setting needs a change: see the message next to it.'
          : `${shown} settings need a change: see the messages next to them.`)] : []));
    } else {
      error.textContent = String(err);
    }
  }

  launch.addEventListener('click', async () => {
    if (!preset) return;
    launch.disabled = true;
    const body: RunRequest = { datasetId: dataset.id, presetId: preset.id, ...Object.fromEntries(overrides),
      undoAdjustments: [...undo] };
    if (runName.value.trim()) body.name = runName.value.trim();
    if (Number(autopilot.value) > 0) body.autopilot = Number(autopilot.value);
    placement.apply(body);
    try {
      const run = await api.createRun(body);
      location.hash = `#/runs/${run.id}`;
    } catch (err) {
      showError(err);
      launch.disabled = false;
    }
  });

  datasetSelect.addEventListener('change', () => {
    dataset = datasets.find((d) => d.id === Number(datasetSelect.value))!;
    describeDataset();
    void refresh();
  });
  const describeDataset = () => {
    datasetInfo.textContent = `${trainImages()} training images in ${dataset.classNames.length} classes; `
      + `${dataset.findings.filter((f) => f.severity === 'warning').length} warning(s) in its validation report.`;
  };
  describeDataset();
  renderGoals();
  renderPresets(true);
  review.replaceChildren(h('h2', {}, '4. Review and launch'), weights, adjustments, estimate,
    ...(agents.length ? [h('div', {}, h('label', { for: 'wizard-agent' }, 'Estimate the time on'), agentSelect)] : []),
    h('h3', {}, 'Main settings'), basicRows, advanced,
    h('label', { for: 'wizard-name' }, 'Run name'), runName,
    h('label', { for: 'wizard-autopilot' }, 'Autopilot follow-up runs (0 = off)'), autopilot,
    placement.element, launch, error);
  mount(root, h('h1', {}, 'New run'),
    h('p', { class: 'hint' }, 'Four steps; every choice can be changed before launch. Prefer to set every field yourself? ',
      h('a', { href: `#/runs/custom?dataset=${dataset.id}` }, 'Open the full form'), '.'),
    h('section', { class: 'card', 'aria-label': 'Dataset step' }, h('h2', {}, '1. Dataset'), datasetSelect, datasetInfo),
    h('section', { class: 'card', 'aria-label': 'Goal step' }, h('h2', {}, '2. Goal'), goalList),
    h('section', { class: 'card', 'aria-label': 'Preset step' }, h('h2', {}, '3. Preset'), presetList),
    review);

  function label(field: string): string {
    return byName.get(field)?.label ?? field;
  }
}

function choice(group: string, value: string, checked: boolean, ...content: (HTMLElement | (() => void))[]): HTMLElement {
  const onPick = content.pop() as () => void;
  const id = `${group}-${value}`;
  const input = h('input', { type: 'radio', name: group, id, value, checked }) as HTMLInputElement;
  input.addEventListener('change', onPick);
  return h('label', { class: 'choice', for: id, 'data-testid': id }, input, h('span', { class: 'choice-body' }, ...(content as HTMLElement[])));
}

function fmt(value: unknown): string {
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}

