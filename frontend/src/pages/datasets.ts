import { api, ApiError, uploadDataset, type Dataset, type UploadOptions } from '../api';
import { h, mount } from '../dom';
import { findingsView } from '../findings';
import { formatNumber, plural, t } from '../i18n';

/** Upload form with a real progress bar; reused by the dataset page for a new version. */
export function uploadForm(title: string, onDone: (d: Dataset) => void, versionOf?: number): HTMLElement {
  const suffix = versionOf ? `-v${versionOf}` : '';
  const status = h('p', { class: 'status', role: 'status', 'data-testid': 'upload-status' });
  const error = h('div', { class: 'error', role: 'alert' });
  const progress = h('progress', { max: 1, value: 0, 'aria-label': t('upload.progress'), hidden: true }) as HTMLProgressElement;
  const file = h('input', {
    id: `dataset-file${suffix}`,
    type: 'file',
    required: true,
    accept: '.zip,.tar.gz,.tgz,application/zip,application/gzip',
  }) as HTMLInputElement;
  const name = h('input', {
    id: `dataset-name${suffix}`,
    placeholder: versionOf ? t('upload.namePlaceholderVersion') : t('upload.namePlaceholderNew'),
  }) as HTMLInputElement;
  const split = h(
    'select',
    { id: `dataset-split${suffix}` },
    h('option', { value: '' }, t('upload.splitArchive')),
    h('option', { value: 'auto' }, t('upload.splitAuto')),
  ) as HTMLSelectElement;
  const val = h('input', { id: `dataset-val${suffix}`, type: 'number', min: 1, max: 50, value: '10' }) as HTMLInputElement;
  const test = h('input', { id: `dataset-test${suffix}`, type: 'number', min: 0, max: 50, value: '10' }) as HTMLInputElement;
  const seed = h('input', { id: `dataset-seed${suffix}`, type: 'number', value: '42' }) as HTMLInputElement;
  const button = h('button', { type: 'submit' }, versionOf ? t('upload.submitVersion') : t('upload.submit')) as HTMLButtonElement;
  const form = h(
    'form',
    { class: 'card', 'aria-label': title },
    h('h2', {}, title),
    h('p', { class: 'hint' }, t('upload.help')),
    h('label', { for: file.id }, t('upload.archive')),
    file,
    h('label', { for: name.id }, t('upload.name')),
    name,
    h(
      'details',
      {},
      h('summary', {}, t('upload.splits')),
      h('label', { for: split.id }, t('upload.howToSplit')),
      split,
      h('label', { for: val.id }, t('upload.val')),
      val,
      h('label', { for: test.id }, t('upload.test')),
      test,
      h('label', { for: seed.id }, t('upload.seed')),
      seed,
    ),
    button,
    progress,
    status,
    error,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!file.files?.length) return;
    error.replaceChildren();
    status.textContent = t('upload.uploading');
    progress.hidden = false;
    progress.value = 0;
    button.disabled = true;
    const options: UploadOptions = {
      name: name.value.trim() || undefined,
      versionOf,
      split: (split.value || undefined) as UploadOptions['split'],
      valPercent: Number(val.value),
      testPercent: Number(test.value),
      seed: Number(seed.value),
    };
    try {
      const dataset = await uploadDataset(file.files[0], options, (f) => {
        progress.value = f;
        const percent = String(Math.round(f * 100));
        const seen = (progress.dataset.seen ?? '').split(' ');
        if (seen[seen.length - 1] !== percent) progress.dataset.seen = [...seen, percent].join(' ').trim();
        status.textContent = f < 1 ? t('upload.uploadingPercent', { percent: Math.round(f * 100) }) : t('upload.checking');
      });
      status.textContent = t('upload.stored', {
        name: dataset.name,
        version: dataset.version,
        images: dataset.imageCount,
        classes: dataset.classNames.length,
      });
      (form as HTMLFormElement).reset();
      onDone(dataset);
    } catch (err) {
      status.textContent = '';
      if (err instanceof ApiError) {
        // The refusal's sentence once: when a finding says it, the finding (with what to do) is enough.
        const said = err.findings.some((f) => err.message.includes(f.message) || f.message.includes(err.message));
        error.replaceChildren(
          h('p', {}, said ? t('upload.refusedSeeBelow') : t('upload.refused', { message: err.message })),
          ...(err.findings.length ? [findingsView(err.findings)] : []),
        );
      } else {
        error.textContent = String(err);
      }
    } finally {
      button.disabled = false;
      progress.hidden = true;
    }
  });
  return form;
}

export async function datasetsPage(root: HTMLElement) {
  const list = h('div', { class: 'dataset-list' });
  async function refresh() {
    const datasets = await api.datasets();
    list.replaceChildren(...(datasets.length ? datasets.map(card) : [h('p', { class: 'hint' }, t('datasets.empty'))]));
  }
  const form = uploadForm(t('datasets.upload'), (d) => {
    location.hash = `#/datasets/${d.id}`;
  });
  mount(root, h('h1', {}, t('datasets.title')), await sampleCard(), form, list, await backbonesCard());
  await refresh();
}

/** One click to a real dataset where the Debian package dataset-fashion-mnist is installed. */
async function sampleCard(): Promise<HTMLElement> {
  const sample = await api.sample();
  if (!sample.available) {
    return h('p', { class: 'hint card' }, t('sample.tip'));
  }
  const status = h('p', { class: 'status', role: 'status' });
  const size = h(
    'select',
    { id: 'sample-size', 'aria-label': t('sample.size') },
    h('option', { value: 'small' }, t('sample.small', { n: formatNumber(sample.sizes.small) })),
    h('option', { value: 'full' }, t('sample.full', { n: formatNumber(sample.sizes.full) })),
  ) as HTMLSelectElement;
  const button = h('button', { type: 'button' }, t('sample.import')) as HTMLButtonElement;
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = t('sample.importing');
    try {
      const d = await api.importSample(size.value);
      location.hash = `#/datasets/${d.id}`;
    } catch (err) {
      status.textContent = err instanceof Error ? err.message : String(err);
      button.disabled = false;
    }
  });
  return h(
    'section',
    { class: 'card', 'aria-label': t('sample.title') },
    h('h2', {}, t('sample.try', { name: sample.name })),
    h('p', { class: 'hint' }, sample.description),
    size,
    button,
    status,
  );
}

/** Pretrained TorchScript backbones to fine-tune from (T13): upload and list. */
async function backbonesCard(): Promise<HTMLElement> {
  const list = h('ul', { class: 'backbones', 'data-testid': 'backbones' });
  const file = h('input', { id: 'backbone-file', type: 'file', accept: '.pt,.pth,.zip', required: true }) as HTMLInputElement;
  const error = h('p', { class: 'error', role: 'alert' });
  const button = h('button', { type: 'submit' }, t('backbones.upload')) as HTMLButtonElement;
  const refresh = async () => {
    const backbones = await api.backbones();
    list.replaceChildren(
      ...(backbones.length
        ? backbones.map((b) => h('li', {}, t('backbones.item', { id: b.id, name: b.name, mb: (b.sizeBytes / 1e6).toFixed(1) })))
        : [h('li', { class: 'hint' }, t('backbones.none'))]),
    );
  };
  const form = h(
    'form',
    { class: 'card', 'aria-label': t('backbones.uploadTitle') },
    h('h2', {}, t('backbones.title')),
    h('p', { class: 'hint' }, t('backbones.hint')),
    h('label', { for: 'backbone-file' }, t('backbones.file')),
    file,
    button,
    error,
    list,
  );
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
  const warnings = d.findings.filter((f) => f.severity !== 'info').length;
  return h(
    'article',
    { class: 'card dataset', 'data-testid': `dataset-${d.id}` },
    h('h3', {}, h('a', { href: `#/datasets/${d.id}` }, d.name), ` · ${t('datasets.version', { version: d.version })}`),
    h(
      'p',
      { class: 'hint' },
      `${plural('dataset.images', d.imageCount)} · ${plural('datasets.classes', d.classNames.length)} · ` +
        `${warnings ? plural('datasets.warnings', warnings) : t('datasets.noWarnings')} · ${t('datasets.uploadedBy', { by: d.createdBy })}`,
    ),
    countsTable(d),
    h('a', { class: 'button secondary', href: `#/datasets/${d.id}` }, t('dataset.report')),
    h('a', { class: 'button', href: `#/runs/new?dataset=${d.id}` }, t('datasets.train')),
  );
}

/** Images per class and split, with bars (train, validation, held-out test). */
export function countsTable(d: Dataset): HTMLElement {
  const splits = ['train', 'val', 'test'].filter((s) => d.splitCounts[s]);
  const total = (cls: string) => splits.reduce((sum, s) => sum + (d.splitCounts[s]?.[cls] ?? 0), 0);
  const max = Math.max(1, ...d.classNames.map(total));
  return h(
    'table',
    { class: 'counts', 'aria-label': t('datasets.countsLabel', { name: d.name }), 'data-testid': 'class-counts' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, t('eval.class')),
        ...splits.map((s) => h('th', {}, t(`split.${s as 'train' | 'val' | 'test'}`))),
        h('th', {}, ''),
      ),
    ),
    h(
      'tbody',
      {},
      ...d.classNames.map((cls) =>
        h(
          'tr',
          {},
          h('th', { scope: 'row' }, cls),
          ...splits.map((s) => h('td', {}, String(d.splitCounts[s]?.[cls] ?? 0))),
          h(
            'td',
            { class: 'bar-cell' },
            ...splits.map((s) =>
              h('span', {
                class: `bar bar-${s}`,
                style: `width:${(98 * (d.splitCounts[s]?.[cls] ?? 0)) / max}%`,
                title: `${d.splitCounts[s]?.[cls] ?? 0} ${s}`,
              }),
            ),
          ),
        ),
      ),
    ),
  );
}
