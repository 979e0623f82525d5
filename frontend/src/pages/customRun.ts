import { t } from '../i18n';
import { api, ApiError, type RunRequest } from '../api';
import { placementFields } from '../placement';
import { h, mount } from '../dom';
import { read, row, show, showFieldErrors, type Input } from '../recipeForm';

/**
 * The launch form, generated from the recipe catalogue (GET /api/recipe/fields): the few fields a
 * newcomer needs in plain view, every other trick folded away by group, each with its explanation
 * and the IDs of the tricks it implements.
 */
export async function customRunPage(root: HTMLElement, query: URLSearchParams) {
  const [datasets, fields] = await Promise.all([api.datasets(), api.recipeFields()]);
  if (datasets.length === 0) {
    mount(
      root,
      h('h1', {}, t('custom.title')),
      h('p', { class: 'card' }, t('custom.uploadFirst'), h('a', { href: '#/datasets' }, t('custom.goToDatasets')), t('lineage.end')),
    );
    return;
  }
  const error = h('p', { class: 'error', role: 'alert' });
  const dataset = h(
    'select',
    { id: 'field-datasetId', name: 'datasetId' },
    ...datasets.map((d) =>
      h(
        'option',
        { value: d.id, selected: String(d.id) === query.get('dataset') },
        `${d.name} (${d.imageCount} images, ${d.classNames.length} classes)`,
      ),
    ),
  ) as HTMLSelectElement;
  const runName = h('input', { id: 'field-name', name: 'name', placeholder: 'optional' }) as HTMLInputElement;
  const inputs = new Map<string, Input>();
  const basic = fields.filter((f) => !f.advanced).map((f) => row(f, inputs));
  const groups = [...new Set(fields.filter((f) => f.advanced).map((f) => f.group))];
  const advanced = h(
    'details',
    { 'data-testid': 'advanced' },
    h('summary', {}, t('custom.advanced')),
    ...groups.map((g) =>
      h('fieldset', {}, h('legend', {}, g), ...fields.filter((f) => f.advanced && f.group === g).map((f) => row(f, inputs))),
    ),
  );
  const effective = h('p', { class: 'hint', 'data-testid': 'effective-lr' });
  const autopilot = h('input', {
    id: 'field-autopilot',
    name: 'autopilot',
    type: 'number',
    min: 0,
    max: 10,
    step: '1',
    value: '0',
  }) as HTMLInputElement;
  const autopilotRow = h(
    'div',
    { class: 'field' },
    h('label', { for: 'field-autopilot' }, t('custom.autopilot')),
    autopilot,
    h('small', { class: 'hint' }, t('custom.autopilotHelp')),
    h('small', { class: 'field-error', 'data-error-for': 'autopilot', role: 'alert' }),
  );
  const placement = placementFields('field');
  const submit = h('button', { type: 'submit' }, t('custom.launch')) as HTMLButtonElement;
  const form = h(
    'form',
    { class: 'card', 'aria-label': t('custom.newRun') },
    h('label', { for: 'field-datasetId' }, t('custom.dataset')),
    dataset,
    h('label', { for: 'field-name' }, t('custom.runName')),
    runName,
    ...basic,
    effective,
    autopilotRow,
    advanced,
    placement.element,
    submit,
    error,
  );

  const showEffectiveRate = () => {
    const lr = Number(inputs.get('learningRate')!.value);
    const batch = Number(inputs.get('batchSize')!.value);
    effective.textContent =
      inputs.get('lrScaling')!.value === 'linear'
        ? t('custom.linear', { lr, batch, actual: +((lr * batch) / 256).toPrecision(4) })
        : t('custom.actual', { lr });
  };
  // "Change it and launch again" from a run that could not start: its recipe, the field to change
  // marked with the reason.
  const from = query.get('from') ? await api.run(Number(query.get('from'))).catch(() => null) : null;
  if (from) {
    dataset.value = String(from.datasetId);
    for (const f of fields) show(f, inputs.get(f.name)!, from.recipe[f.name]);
    const field = query.get('field');
    if (field && inputs.has(field)) {
      showFieldErrors(form, inputs, [{ field, message: t('custom.changeThis', { reason: from.failureReason ?? '' }) }]);
      const details = inputs.get(field)!.closest('details');
      if (details) (details as HTMLDetailsElement).open = true;
      queueMicrotask(() => inputs.get(field)!.focus());
    }
  }
  for (const name of ['learningRate', 'batchSize', 'lrScaling']) inputs.get(name)!.addEventListener('input', showEffectiveRate);
  showEffectiveRate();

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    form.querySelectorAll('.field-error').forEach((el) => (el.textContent = ''));
    const body: RunRequest = { datasetId: Number(dataset.value) };
    if (runName.value.trim()) body.name = runName.value.trim();
    if (autopilot.value.trim() !== '' && Number(autopilot.value) !== 0) body.autopilot = Number(autopilot.value);
    placement.apply(body);
    for (const f of fields) {
      const value = read(f, inputs.get(f.name)!);
      if (value !== undefined && JSON.stringify(value) !== JSON.stringify(f.defaultValue)) body[f.name] = value;
    }
    submit.disabled = true;
    try {
      const run = await api.createRun(body);
      location.hash = `#/runs/${run.id}`;
    } catch (err) {
      if (err instanceof ApiError) {
        // Each field's error once, next to it; under the button only what belongs to no field.
        const rest = showFieldErrors(form, inputs, err.fields);
        for (const slot of form.querySelectorAll<HTMLElement>('[data-error-for]')) {
          const details = slot.textContent ? slot.closest('details') : null;
          if (details) (details as HTMLDetailsElement).open = true;
        }
        error.textContent = rest.length
          ? rest.map((f) => `${f.field}: ${f.message}`).join(' ')
          : err.fields.length
            ? t('custom.fixFields')
            : err.message;
      } else {
        error.textContent = String(err);
      }
    } finally {
      submit.disabled = false;
    }
  });
  mount(
    root,
    h('h1', {}, t('custom.title')),
    h(
      'p',
      { class: 'hint' },
      t('custom.preferWizard'),
      h('a', { href: `#/runs/new${query.get('dataset') ? `?dataset=${query.get('dataset')}` : ''}` }, t('custom.useWizard')),
      t('lineage.end'),
    ),
    form,
  );
}
