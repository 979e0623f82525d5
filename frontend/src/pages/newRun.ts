import { codeList, withCodes } from '../glossary';
import {
  api,
  ApiError,
  type Adjustment,
  type Dataset,
  type Preset,
  type PresetPreview,
  type RunRequest,
  type StartingPointsView,
  type StartOption,
} from '../api';
import { placementFields } from '../placement';
import { formatDuration, h, mount } from '../dom';
import { formatNumber, t, type MessageKey } from '../i18n';
import { read, row, show, showFieldErrors, type Input } from '../recipeForm';

type Goal = 'fast' | 'accuracy' | 'small-data';

/** The goals; their titles and texts are the messages goal.<id>.title and goal.<id>.text. */
const GOALS: { id: Goal }[] = [{ id: 'fast' }, { id: 'accuracy' }, { id: 'small-data' }];

/** Fields shown in plain view on the review step; the rest are folded away. */
const BASIC = ['epochs', 'batchSize', 'learningRate', 'inputSize'];

/**
 * The new-run wizard: dataset, goal, preset, then a review of what will train (with the
 * adjustments Kiln made for this dataset, each undoable, and a time estimate), then launch.
 */
export async function newRunPage(root: HTMLElement, query: URLSearchParams) {
  const [datasets, presets, fields, agents] = await Promise.all([
    api.datasets(),
    api.presets(),
    api.recipeFields(),
    api.agents().catch(() => []),
  ]);
  if (datasets.length === 0) {
    mount(
      root,
      h('h1', {}, t('wizard.title')),
      h('p', { class: 'card' }, t('wizard.noDataset'), h('a', { href: '#/datasets' }, t('wizard.goToDatasets')), '.'),
    );
    return;
  }
  const byName = new Map(fields.map((f) => [f.name, f]));
  const overrides = new Map<string, unknown>();
  const undo = new Set<string>();
  let dataset: Dataset = datasets.find((d) => String(d.id) === query.get('dataset')) ?? datasets[0];
  let preset: Preset | null = null;
  let preview: PresetPreview | null = null;
  // What this dataset can start from, and the server's default for it (T13).
  let starts: StartingPointsView = await api.startingPoints(dataset.id);

  const datasetSelect = h(
    'select',
    { id: 'wizard-dataset', 'aria-label': t('wizard.dataset') },
    ...datasets.map((d) =>
      h(
        'option',
        { value: d.id, selected: d.id === dataset.id },
        t('wizard.datasetOption', { name: d.name, version: d.version, images: d.imageCount, classes: d.classNames.length }),
      ),
    ),
  ) as HTMLSelectElement;
  const datasetInfo = h('p', { class: 'hint' });
  const startNote = h('p', { class: 'note', 'data-testid': 'start-note' });
  const trainImages = () => Object.values(dataset.splitCounts.train ?? {}).reduce((a, b) => a + b, 0);
  const goalList = h('div', { class: 'choices', role: 'radiogroup', 'aria-label': t('wizard.goal') });
  const presetList = h('div', { class: 'choices presets', role: 'radiogroup', 'aria-label': t('wizard.preset') });
  const review = h('section', { class: 'card', 'aria-label': t('wizard.review'), 'data-testid': 'review' });
  const error = h('div', { class: 'error', role: 'alert', 'data-testid': 'launch-error' });
  let goal: Goal = starts.recommended.goal;

  const renderGoals = () =>
    goalList.replaceChildren(
      ...GOALS.map((g) =>
        choice(
          'goal',
          g.id,
          g.id === goal,
          h('strong', {}, t(`goal.${g.id}.title` as MessageKey)),
          h('span', { class: 'hint' }, t(`goal.${g.id}.text` as MessageKey)),
          () => {
            goal = g.id;
            renderPresets(true);
          },
        ),
      ),
    );
  const renderPresets = (pickFirst: boolean) => {
    const ordered = [...presets.filter((p) => p.goal === goal), ...presets.filter((p) => p.goal !== goal)];
    const recommended =
      goal === starts.recommended.goal && starts.recommended.presetId
        ? presets.find((p) => p.id === starts.recommended.presetId)
        : undefined;
    if (pickFirst || !preset) choosePreset(recommended ?? ordered[0]);
    presetList.replaceChildren(
      ...ordered.map((p) =>
        choice(
          'preset',
          p.id,
          p.id === preset?.id,
          h('strong', {}, p.name + (p.builtIn ? '' : t('wizard.teamPreset'))),
          h('span', {}, t('wizard.whenCost', { when: p.whenToUse, cost: p.cost })),
          h('span', { class: 'hint' }, ...withCodes(p.description)),
          h('span', { class: 'tricks' }, ...codeList(p.trickIds)),
          () => choosePreset(p),
        ),
      ),
    );
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
   * A preset that starts from earlier weights (T13) gets ones this dataset can use: the server's
   * recommendation where it is that preset, else the first usable option of the kind it asks for
   * (pretrained weights, then a finished run, then a backbone), so the preview is valid at once and
   * "Start from" shows what will be used.
   */
  const startingWeightsDefaults = () => {
    const weights = preset?.fields.initialWeights;
    if (weights !== 'backbone' && weights !== 'run' && weights !== 'pretrained') return;
    if (preset?.id === starts.recommended.presetId && Object.keys(starts.recommended.fields).length) {
      for (const [k, v] of Object.entries(starts.recommended.fields)) overrides.set(k, v);
      return;
    }
    const usable = starts.options.filter((o) => o.usable);
    const pick =
      usable.find((o) => o.kind === weights) ??
      usable.find((o) => o.kind === 'pretrained') ??
      usable.find((o) => o.kind === 'run') ??
      usable[0];
    if (pick) startFrom(pick);
  };
  const startFrom = (option: StartOption) => {
    // A start brings its network (and a run its size and normalization): the previous start's go.
    for (const key of ['backboneId', 'initialRunId', 'initialWeights', 'architecture', 'pretrainedWeights', 'inputSize', 'normalization']) {
      overrides.delete(key);
    }
    for (const [k, v] of Object.entries(option.fields)) overrides.set(k, v);
  };

  const inputs = new Map<string, Input>();
  const basicRows = h('div', {}, ...BASIC.map((n) => row(byName.get(n)!, inputs)));
  const advancedGroups = [...new Set(fields.filter((f) => !BASIC.includes(f.name)).map((f) => f.group))];
  const advanced = h(
    'details',
    { 'data-testid': 'advanced' },
    h('summary', {}, t('wizard.advanced')),
    ...advancedGroups.map((g) =>
      h('fieldset', {}, h('legend', {}, g), ...fields.filter((f) => f.group === g && !BASIC.includes(f.name)).map((f) => row(f, inputs))),
    ),
  );
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
  const agentSelect = h(
    'select',
    { id: 'wizard-agent' },
    h('option', { value: '' }, t('wizard.anyAgent')),
    ...agents
      .filter((a) => !a.revoked && a.connected)
      .map((a) => h('option', { value: a.id }, `${a.name} (${a.devices.map((d) => d.name).join(', ') || 'no devices reported'})`)),
  ) as HTMLSelectElement;
  agentSelect.addEventListener('change', () => void refresh());
  const weights = h('div', {});
  const runName = h('input', { id: 'wizard-name', placeholder: t('wizard.optional') }) as HTMLInputElement;
  const autopilot = h('input', { id: 'wizard-autopilot', type: 'number', min: 0, max: 10, value: '0' }) as HTMLInputElement;
  const placement = placementFields('wizard');
  const launch = h('button', { type: 'button' }, t('wizard.launch')) as HTMLButtonElement;
  // A run estimated at more than a day launches only once the person says they expect that.
  const longRunAgreed = h('input', { type: 'checkbox', id: 'wizard-long-run', 'data-testid': 'long-run-confirm' }) as HTMLInputElement;
  const longRunAgreement = h('label', { for: longRunAgreed.id });
  const longRunText = h('p', {});
  const longRun = h(
    'div',
    { class: 'warning', role: 'alert', 'data-testid': 'long-run', hidden: true },
    longRunText,
    h('div', { class: 'field check' }, longRunAgreed, longRunAgreement),
  );
  const DAY_SECONDS = 86400;
  const canLaunch = () => {
    launch.disabled = !longRun.hidden && !longRunAgreed.checked;
  };
  longRunAgreed.addEventListener('change', canLaunch);
  function showLongRun(totalSeconds: number | null) {
    const long = totalSeconds !== null && totalSeconds > DAY_SECONDS;
    if (long) {
      const total = formatDuration(totalSeconds);
      longRunText.textContent = t('wizard.longRun', { total });
      longRunAgreement.textContent = t('wizard.longRunConfirm', { total });
    }
    if (long === longRun.hidden) longRunAgreed.checked = false;
    longRun.hidden = !long;
    canLaunch();
  }

  let asked = 0;
  async function refresh() {
    if (!preset) return;
    const mine = ++asked;
    error.replaceChildren();
    showFieldErrors(review, inputs, []);
    try {
      const answer = await api.previewPreset(preset.id, {
        datasetId: dataset.id,
        fields: Object.fromEntries(overrides),
        undoAdjustments: [...undo],
        agentId: agentSelect.value ? Number(agentSelect.value) : undefined,
      });
      if (mine !== asked) return; // a newer question is on its way: its answer wins
      preview = answer;
      for (const [name, input] of inputs) {
        if (!overrides.has(name)) show(byName.get(name)!, input, preview.recipe[name]);
      }
      renderAdjustments(preview.adjustments, preview.undone);
      const e = preview.estimate;
      const r = preview.recipe;
      // The head alone on stored features: one pass over the photos, then moments per epoch (T14).
      estimate.textContent =
        r.storedFeatures && Number(r.headOnlyEpochs) >= Number(r.epochs)
          ? t('wizard.estimateHeadOnly', { total: formatDuration(e.totalSeconds), epochs: String(r.epochs), basis: e.basis })
          : e.highSeconds !== null
            ? t('wizard.estimateRough', {
                perEpoch: formatDuration(e.secondsPerEpoch),
                total: formatDuration(e.totalSeconds),
                high: formatDuration(e.highSeconds),
                epochs: String(r.epochs),
                basis: e.basis,
              })
            : t('wizard.estimate', {
                perEpoch: formatDuration(e.secondsPerEpoch),
                speed: formatNumber(e.imagesPerSecond),
                total: formatDuration(e.totalSeconds),
                epochs: String(r.epochs),
                basis: e.basis,
              });
      showLongRun(e.totalSeconds);
    } catch (err) {
      if (mine !== asked) return;
      preview = null;
      estimate.textContent = t('wizard.noEstimate');
      showLongRun(null);
      showError(err);
    }
    renderWeights();
  }

  function renderAdjustments(applied: Adjustment[], undone: Adjustment[]) {
    const item = (a: Adjustment, isUndone: boolean) =>
      h(
        'li',
        { class: isUndone ? 'undone' : '', 'data-field': a.field },
        h('strong', {}, `${label(a.field)}: ${fmt(a.from)} → ${fmt(a.to)}`),
        ` (${a.trickId}) `,
        h('span', {}, t('wizard.why', { why: a.why })),
        h(
          'button',
          {
            type: 'button',
            class: 'small',
            onclick: () => {
              if (isUndone) undo.delete(a.field);
              else undo.add(a.field);
              void refresh();
            },
          },
          isUndone ? t('wizard.redo') : t('wizard.undo'),
        ),
      );
    adjustments.replaceChildren(
      h('h3', {}, t('wizard.adjusted')),
      applied.length || undone.length
        ? h('ul', { class: 'adjustments' }, ...applied.map((a) => item(a, false)), ...undone.map((a) => item(a, true)))
        : h('p', { class: 'hint' }, t('wizard.nothingToAdjust')),
    );
  }

  function renderWeights() {
    const needs = preview?.recipe.initialWeights ?? preset?.fields.initialWeights;
    if (needs !== 'backbone' && needs !== 'run' && needs !== 'pretrained') {
      weights.replaceChildren();
      return;
    }
    const usable = starts.options.filter((o) => o.usable);
    const unusable = starts.options.filter((o) => !o.usable);
    const chosen = (o: StartOption) => Object.entries(o.fields).every(([k, v]) => overrides.get(k) === v);
    const select = h(
      'select',
      { id: 'wizard-weights', 'aria-label': t('wizard.startFrom') },
      ...usable.map((o) =>
        h(
          'option',
          { value: `${o.kind}:${o.id}`, selected: chosen(o) },
          t(`wizard.start.${o.kind}` as MessageKey, { name: o.name, architecture: o.architecture }),
        ),
      ),
    ) as HTMLSelectElement;
    select.addEventListener('change', () => {
      const option = usable.find((o) => `${o.kind}:${o.id}` === select.value);
      if (option) startFrom(option);
      void refresh();
    });
    weights.replaceChildren(
      h('label', { for: 'wizard-weights' }, t('wizard.startFromLabel')),
      usable.length
        ? select
        : h('p', { class: 'warning' }, t('wizard.noWeights'), ' ', h('a', { href: '#/pretrained' }, t('wizard.pretrainedPage'))),
      ...(unusable.length
        ? [
            h(
              'details',
              { 'data-testid': 'not-offered' },
              h('summary', {}, t('wizard.notOffered', { count: unusable.length })),
              h('ul', {}, ...unusable.map((o) => h('li', {}, `${o.name}: ${o.whyNot}`))),
            ),
          ]
        : []),
    );
  }

  /** Field errors next to their fields, once; the rest (and a pointer to them) under Launch. */
  function showError(err: unknown) {
    if (err instanceof ApiError) {
      const rest = showFieldErrors(review, inputs, err.fields);
      const shown = err.fields.length - rest.length;
      if (shown > 0)
        advanced.toggleAttribute(
          'open',
          [...inputs].some(([n, i]) => i.getAttribute('aria-invalid') && !BASIC.includes(n)),
        );
      error.replaceChildren(
        ...(rest.length
          ? rest.map((f) => h('p', {}, `${label(f.field)}: ${f.message}`))
          : err.fields.length
            ? []
            : [h('p', {}, err.message)]),
        ...(shown ? [h('p', {}, shown === 1 ? t('wizard.oneError') : t('wizard.manyErrors', { count: shown }))] : []),
      );
    } else {
      error.textContent = String(err);
    }
  }

  launch.addEventListener('click', async () => {
    if (!preset) return;
    launch.disabled = true;
    const body: RunRequest = { datasetId: dataset.id, presetId: preset.id, ...Object.fromEntries(overrides), undoAdjustments: [...undo] };
    if (runName.value.trim()) body.name = runName.value.trim();
    if (Number(autopilot.value) > 0) body.autopilot = Number(autopilot.value);
    placement.apply(body);
    try {
      const run = await api.createRun(body);
      location.hash = `#/runs/${run.id}`;
    } catch (err) {
      showError(err);
      canLaunch();
    }
  });

  datasetSelect.addEventListener('change', async () => {
    dataset = datasets.find((d) => d.id === Number(datasetSelect.value))!;
    starts = await api.startingPoints(dataset.id);
    goal = starts.recommended.goal;
    describeDataset();
    renderGoals();
    renderPresets(true);
  });
  const describeDataset = () => {
    datasetInfo.textContent = t('wizard.datasetInfo', {
      images: trainImages(),
      classes: dataset.classNames.length,
      warnings: dataset.findings.filter((f) => f.severity === 'warning').length,
    });
    startNote.textContent = starts.recommended.note ?? '';
    startNote.hidden = !starts.recommended.note;
  };
  describeDataset();
  renderGoals();
  renderPresets(true);
  review.replaceChildren(
    h('h2', {}, t('wizard.step.review')),
    weights,
    adjustments,
    estimate,
    ...(agents.length ? [h('div', {}, h('label', { for: 'wizard-agent' }, t('wizard.estimateOn')), agentSelect)] : []),
    h('h3', {}, t('wizard.mainSettings')),
    basicRows,
    advanced,
    h('label', { for: 'wizard-name' }, t('wizard.runName')),
    runName,
    h('label', { for: 'wizard-autopilot' }, t('wizard.autopilot')),
    autopilot,
    placement.element,
    longRun,
    launch,
    error,
  );
  mount(
    root,
    h('h1', {}, t('wizard.title')),
    h('p', { class: 'hint' }, t('wizard.intro'), h('a', { href: `#/runs/custom?dataset=${dataset.id}` }, t('wizard.fullForm')), '.'),
    h(
      'section',
      { class: 'card', 'aria-label': t('wizard.step.dataset') },
      h('h2', {}, t('wizard.step.dataset')),
      datasetSelect,
      datasetInfo,
      startNote,
    ),
    h('section', { class: 'card', 'aria-label': t('wizard.step.goal') }, h('h2', {}, t('wizard.step.goal')), goalList),
    h('section', { class: 'card', 'aria-label': t('wizard.step.preset') }, h('h2', {}, t('wizard.step.preset')), presetList),
    review,
  );

  function label(field: string): string {
    return byName.get(field)?.label ?? field;
  }
}

function choice(group: string, value: string, checked: boolean, ...content: (HTMLElement | (() => void))[]): HTMLElement {
  const onPick = content.pop() as () => void;
  const id = `${group}-${value}`;
  const input = h('input', { type: 'radio', name: group, id, value, checked }) as HTMLInputElement;
  input.addEventListener('change', onPick);
  return h(
    'label',
    { class: 'choice', for: id, 'data-testid': id },
    input,
    h('span', { class: 'choice-body' }, ...(content as HTMLElement[])),
  );
}

function fmt(value: unknown): string {
  return Array.isArray(value) ? `[${value.join(', ')}]` : String(value);
}
