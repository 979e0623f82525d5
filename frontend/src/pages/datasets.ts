import { api, ApiError, uploadDataset, type Dataset } from '../api';
import { h, mount } from '../dom';

export async function datasetsPage(root: HTMLElement) {
  const list = h('div', { class: 'dataset-list' });
  const status = h('p', { class: 'status', role: 'status' });
  const error = h('p', { class: 'error', role: 'alert' });
  const progress = h('progress', { max: 1, value: 0, 'aria-label': 'Upload progress', hidden: true }) as HTMLProgressElement;
  const file = h('input', { id: 'dataset-file', type: 'file', accept: '.zip,application/zip', required: true }) as HTMLInputElement;
  const name = h('input', { id: 'dataset-name', placeholder: 'taken from the file name if empty' }) as HTMLInputElement;
  const button = h('button', { type: 'submit' }, 'Upload') as HTMLButtonElement;
  const form = h('form', { class: 'card', 'aria-label': 'Upload a dataset' },
    h('h2', {}, 'Upload a dataset'),
    h('p', { class: 'hint' }, 'A .zip with one folder per class, each holding that class\'s .png or .jpg images '
      + '(for example cats/1.png, dogs/7.jpg). Two classes at least.'),
    h('label', { for: 'dataset-file' }, 'Zip file'), file,
    h('label', { for: 'dataset-name' }, 'Name'), name,
    button, progress, status, error);

  async function refresh() {
    const datasets = await api.datasets();
    list.replaceChildren(...(datasets.length ? datasets.map(card)
      : [h('p', { class: 'hint' }, 'No datasets yet: upload one above.')]));
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!file.files?.length) return;
    error.textContent = '';
    status.textContent = 'Uploading…';
    progress.hidden = false;
    progress.value = 0;
    button.disabled = true;
    try {
      const dataset = await uploadDataset(file.files[0], name.value.trim(), (f) => {
        progress.value = f;
        status.textContent = f < 1 ? `Uploading… ${Math.round(f * 100)}%` : 'Checking every image…';
      });
      status.textContent = `Uploaded "${dataset.name}": ${dataset.imageCount} images in ${dataset.classNames.length} classes.`;
      (form as HTMLFormElement).reset();
      await refresh();
    } catch (err) {
      status.textContent = '';
      error.textContent = err instanceof ApiError ? err.message : String(err);
    } finally {
      button.disabled = false;
      progress.hidden = true;
    }
  });

  mount(root, h('h1', {}, 'Datasets'), form, list, await backbonesCard());
  await refresh();
}

/** Pretrained TorchScript backbones to fine-tune from (T13): upload and list. */
async function backbonesCard(): Promise<HTMLElement> {
  const list = h('ul', { class: 'backbones', 'data-testid': 'backbones' });
  const file = h('input', { id: 'backbone-file', type: 'file', accept: '.pt,.pth,.zip', required: true }) as HTMLInputElement;
  const error = h('p', { class: 'error', role: 'alert' });
  const button = h('button', { type: 'submit' }, 'Upload backbone') as HTMLButtonElement;
  const refresh = async () => {
    const backbones = await api.backbones();
    list.replaceChildren(...(backbones.length ? backbones.map((b) => h('li', {},
      `#${b.id} ${b.name} (${(b.sizeBytes / 1e6).toFixed(1)} MB): choose architecture "backbone", starting weights "backbone" and backbone ${b.id} under Advanced settings.`))
      : [h('li', { class: 'hint' }, 'None yet.')]));
  };
  const form = h('form', { class: 'card', 'aria-label': 'Upload a backbone' },
    h('h2', {}, 'Pretrained backbones'),
    h('p', { class: 'hint' }, 'A TorchScript file (torch.jit.trace or script, then save) of a pretrained network with its '
      + 'classifier removed (e.g. model.fc = torch.nn.Identity()). Kiln puts a new classifier on top (T13).'),
    h('label', { for: 'backbone-file' }, 'TorchScript file'), file, button, error, list);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!file.files?.length) return;
    error.textContent = '';
    button.disabled = true;
    try {
      await api.uploadBackbone(file.files[0], '');
      (form as HTMLFormElement).reset();
      await refresh();
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : String(err);
    } finally {
      button.disabled = false;
    }
  });
  await refresh();
  return form;
}

function card(d: Dataset): HTMLElement {
  const max = Math.max(...Object.values(d.classCounts));
  return h('article', { class: 'card dataset', 'data-testid': `dataset-${d.id}` },
    h('h3', {}, d.name),
    h('p', { class: 'hint' }, `${d.imageCount} images · ${d.classNames.length} classes · uploaded by ${d.createdBy}`),
    h('table', { class: 'counts', 'aria-label': `Images per class in ${d.name}` },
      ...Object.entries(d.classCounts).map(([cls, n]) => h('tr', {},
        h('th', { scope: 'row' }, cls),
        h('td', {}, String(n)),
        h('td', { class: 'bar-cell' }, h('span', { class: 'bar', style: `width:${(100 * n) / max}%` }))))),
    h('a', { class: 'button', href: `#/runs/new?dataset=${d.id}` }, 'Train on this dataset'));
}
