import { api, ApiError, type Dataset } from '../api';
import { h, mount } from '../dom';
import { findingsView } from '../findings';
import { countsTable, uploadForm } from './datasets';

/** One dataset version: validation report, splits, statistics, gallery, and new versions. */
export async function datasetPage(root: HTMLElement, id: number) {
  const d = await api.dataset(id);
  const latest = d.versions.length ? d.versions[d.versions.length - 1] : null;
  const stats = d.statistics;
  const imbalance = stats && stats.imbalanceRatio > 3;
  mount(root,
    h('div', { class: 'title-row' }, h('h1', {}, `${d.name} · version ${d.version}`),
      h('a', { class: 'button', href: `#/runs/new?dataset=${d.id}` }, 'Train on this version')),
    h('p', { class: 'hint' }, `${d.imageCount} images in ${d.classNames.length} classes, uploaded by ${d.createdBy} `
      + `${new Date(d.createdAt).toLocaleString()}. A stored version never changes: changes make a new version, `
      + `and every run records the version it trained on.`),
    d.versions.length > 1 ? h('nav', { class: 'versions', 'aria-label': 'Versions' }, 'Versions: ',
      ...d.versions.map((v) => v.id === d.id ? h('strong', {}, `v${v.version} `)
        : h('a', { href: `#/datasets/${v.id}` }, `v${v.version} `)),
      latest && latest.id !== d.id ? h('span', { class: 'hint' }, `(latest is v${latest.version})`) : null) : null,
    h('section', { class: 'card', 'aria-label': 'Validation report' },
      h('h2', {}, 'Validation report'), findingsView(d.findings)),
    h('section', { class: 'card', 'aria-label': 'Splits' },
      h('h2', {}, 'Images per class and split'),
      h('p', { class: 'hint', 'data-testid': 'split-summary' }, splitSummary(d)),
      countsTable(d),
      stats ? h('p', { class: imbalance ? 'warning' : 'hint', 'data-testid': 'imbalance' },
        `Imbalance: the largest class has ${stats.imbalanceRatio.toFixed(1)}× the training images of the smallest.`
        + (imbalance ? ' That is a lot: turn on "Balance classes" in the recipe, or add images to the small classes (T16).' : ''))
        : null),
    stats ? h('section', { class: 'card', 'aria-label': 'Image sizes' },
      h('h2', {}, 'Image sizes and channels'),
      h('p', { class: 'hint' }, `Widths ${stats.minWidth}-${stats.maxWidth} px, heights ${stats.minHeight}-${stats.maxHeight} px.`
        + ' Every image is resized to the recipe\'s input size (T17).'),
      h('table', { class: 'counts', 'data-testid': 'sizes' },
        h('tbody', {}, ...Object.entries(stats.sizes).map(([size, n]) => h('tr', {}, h('th', {}, size),
          h('td', {}, `${n} images`))))),
      h('p', { class: 'hint' }, 'Channels: ' + Object.entries(stats.channels).map(([c, n]) =>
        `${n} ${({ 1: 'gray', 2: 'gray + alpha', 3: 'colour', 4: 'colour + alpha' } as Record<string, string>)[c] ?? c}`)
        .join(', '))) : null,
    gallery(d),
    newVersion(d));
}

function splitSummary(d: Dataset): string {
  const s = d.split;
  const total = (split: string) => Object.values(d.splitCounts[split] ?? {}).reduce((a, b) => a + b, 0);
  const counts = `${total('train')} train, ${total('val')} validation, ${total('test')} test images.`;
  if (s.mode === 'archive') return `Splits from the archive's own folders (missing ones carved with seed ${s.seed}). ${counts}`;
  if (s.mode === 'auto') {
    return `Stratified split ${100 - (s.valPercent ?? 0) - (s.testPercent ?? 0)}/${s.valPercent}/${s.testPercent} `
      + `with seed ${s.seed}. ${counts} The test split is held out and scored once, at the end of a run.`;
  }
  return counts;
}

function gallery(d: Dataset): HTMLElement {
  const classes = Object.entries(d.gallery);
  return h('section', { class: 'card', 'aria-label': 'Gallery', 'data-testid': 'gallery' },
    h('h2', {}, 'Gallery'),
    classes.length === 0 ? h('p', { class: 'hint' }, 'No thumbnails for this dataset.') : null,
    ...classes.map(([cls, paths]) => h('div', { class: 'gallery-class' }, h('h3', {}, cls),
      h('div', { class: 'thumbs' }, ...paths.map((p) => h('a', {
        href: `/api/datasets/${d.id}/images?path=${encodeURIComponent(p)}`, target: '_blank', title: p,
      }, h('img', { src: `/api/datasets/${d.id}/thumbnails?path=${encodeURIComponent(p)}`, alt: `${cls}: ${p}`,
        loading: 'lazy' })))))));
}

/** A new version: the same images split anew, or a new upload. */
function newVersion(d: Dataset): HTMLElement {
  const val = h('input', { id: 'resplit-val', type: 'number', min: 1, max: 50, value: String(d.split.valPercent ?? 10) }) as HTMLInputElement;
  const test = h('input', { id: 'resplit-test', type: 'number', min: 0, max: 50, value: String(d.split.testPercent ?? 10) }) as HTMLInputElement;
  const seed = h('input', { id: 'resplit-seed', type: 'number', value: String((d.split.seed ?? 42) + 1) }) as HTMLInputElement;
  const error = h('p', { class: 'error', role: 'alert' });
  const button = h('button', { type: 'submit' }, 'Split again as a new version') as HTMLButtonElement;
  const form = h('form', { class: 'card', 'aria-label': 'Split again' },
    h('h2', {}, 'Split again'),
    h('p', { class: 'hint' }, 'Same images, another stratified split: useful to check that a result is not luck.'),
    h('label', { for: 'resplit-val' }, 'Validation %'), val,
    h('label', { for: 'resplit-test' }, 'Test %'), test,
    h('label', { for: 'resplit-seed' }, 'Seed'), seed, button, error);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    try {
      const v = await api.resplit(d.id, { valPercent: Number(val.value), testPercent: Number(test.value), seed: Number(seed.value) });
      location.hash = `#/datasets/${v.id}`;
    } catch (err) {
      error.textContent = err instanceof ApiError ? err.message : String(err);
      button.disabled = false;
    }
  });
  return h('div', {}, form, uploadForm('Upload a new version', (v) => { location.hash = `#/datasets/${v.id}`; }, d.id));
}
