import { api, ApiError } from '../api';
import { h, mount } from '../dom';

interface Field {
  name: string;
  label: string;
  help: string;
  value: string | number;
  type: 'number' | 'select';
  options?: string[];
  step?: string;
  advanced?: boolean;
}

// The defaults match core's Recipe.defaults(); the help text cites TRAINING-TRICKS.md.
const FIELDS: Field[] = [
  { name: 'epochs', label: 'Epochs', help: 'How many passes over the training images. More can help, at the cost of time (T17).', value: 5, type: 'number', step: '1' },
  { name: 'optimizer', label: 'Optimizer', help: 'SGD with momentum usually ends more accurate; Adam gets going faster (T1).', value: 'sgd', type: 'select', options: ['sgd', 'adam'] },
  { name: 'learningRate', label: 'Learning rate', help: 'Step size. Too high and training diverges, too low and it crawls (T2, T8).', value: 0.05, type: 'number', step: 'any' },
  { name: 'batchSize', label: 'Batch size', help: 'Images per step; a power of two. Larger batches want a larger learning rate (T8).', value: 64, type: 'number', step: '1' },
  { name: 'schedule', label: 'Learning-rate schedule', help: 'Cosine lowers the rate smoothly to 1% by the end (T4); constant keeps it fixed.', value: 'cosine', type: 'select', options: ['cosine', 'constant'] },
  { name: 'momentum', label: 'Momentum', help: 'For SGD: 0.9 is the usual choice (T2).', value: 0.9, type: 'number', step: 'any', advanced: true },
  { name: 'weightDecay', label: 'Weight decay', help: 'Regularization against overfitting; 1e-4 is typical, small nets want less (T9).', value: 0.0001, type: 'number', step: 'any', advanced: true },
  { name: 'inputSize', label: 'Input size (pixels)', help: 'Every image is resized to this square size (T17).', value: 28, type: 'number', step: '1', advanced: true },
  { name: 'validationFraction', label: 'Validation fraction', help: 'Share of each class held out to measure accuracy honestly (T16).', value: 0.2, type: 'number', step: 'any', advanced: true },
  { name: 'seed', label: 'Random seed', help: 'Same seed, same split and initial weights.', value: 42, type: 'number', step: '1', advanced: true },
];

export async function newRunPage(root: HTMLElement, query: URLSearchParams) {
  const datasets = await api.datasets();
  if (datasets.length === 0) {
    mount(root, h('h1', {}, 'New run'), h('p', { class: 'card' }, 'Upload a dataset first: ',
      h('a', { href: '#/datasets' }, 'go to Datasets'), '.'));
    return;
  }
  const error = h('p', { class: 'error', role: 'alert' });
  const dataset = h('select', { id: 'field-datasetId', name: 'datasetId' },
    ...datasets.map((d) => h('option', { value: d.id, selected: String(d.id) === query.get('dataset') },
      `${d.name} (${d.imageCount} images, ${d.classNames.length} classes)`))) as HTMLSelectElement;
  const runName = h('input', { id: 'field-name', name: 'name', placeholder: 'optional' }) as HTMLInputElement;
  const inputs = new Map<string, HTMLInputElement | HTMLSelectElement>();
  const basic = FIELDS.filter((f) => !f.advanced).map((f) => row(f, inputs));
  const advanced = h('details', {}, h('summary', {}, 'Advanced settings'), ...FIELDS.filter((f) => f.advanced).map((f) => row(f, inputs)));
  const submit = h('button', { type: 'submit' }, 'Launch training') as HTMLButtonElement;
  const form = h('form', { class: 'card', 'aria-label': 'New run' },
    h('label', { for: 'field-datasetId' }, 'Dataset'), dataset,
    h('label', { for: 'field-name' }, 'Run name'), runName,
    ...basic, advanced, submit, error);

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.textContent = '';
    form.querySelectorAll('.field-error').forEach((el) => (el.textContent = ''));
    const body: Record<string, unknown> = { datasetId: Number(dataset.value) };
    if (runName.value.trim()) body.name = runName.value.trim();
    for (const f of FIELDS) {
      const raw = inputs.get(f.name)!.value.trim();
      if (raw === '') continue;
      body[f.name] = f.type === 'number' ? Number(raw) : raw;
    }
    submit.disabled = true;
    try {
      const run = await api.createRun(body);
      location.hash = `#/runs/${run.id}`;
    } catch (err) {
      if (err instanceof ApiError) {
        error.textContent = err.message;
        for (const fe of err.fields) {
          const slot = form.querySelector(`[data-error-for="${fe.field}"]`);
          if (slot) slot.textContent = fe.message;
        }
      } else {
        error.textContent = String(err);
      }
    } finally {
      submit.disabled = false;
    }
  });
  mount(root, h('h1', {}, 'New run'), form);
}

function row(f: Field, inputs: Map<string, HTMLInputElement | HTMLSelectElement>): HTMLElement {
  const id = `field-${f.name}`;
  const input = f.type === 'select'
    ? h('select', { id, name: f.name }, ...f.options!.map((o) => h('option', { value: o, selected: o === f.value }, o)))
    : h('input', { id, name: f.name, type: 'number', step: f.step ?? 'any', value: f.value });
  inputs.set(f.name, input as HTMLInputElement | HTMLSelectElement);
  return h('div', { class: 'field' },
    h('label', { for: id }, f.label), input,
    h('small', { class: 'hint' }, f.help),
    h('small', { class: 'field-error', 'data-error-for': f.name, role: 'alert' }));
}
