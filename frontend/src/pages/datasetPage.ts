import { formatDateTime, plural, t } from '../i18n';
import { api, ApiError, type Dataset } from '../api';
import { h, mount } from '../dom';
import { findingsView } from '../findings';
import { countsTable, uploadForm } from './datasets';
import { labelCheckSection } from './labelCheck';

/** One dataset version: validation report, splits, statistics, gallery, and new versions. */
export async function datasetPage(root: HTMLElement, id: number) {
  const d = await api.dataset(id);
  const latest = d.versions.length ? d.versions[d.versions.length - 1] : null;
  const stats = d.statistics;
  const imbalance = stats && stats.imbalanceRatio > 3;
  mount(
    root,
    h(
      'div',
      { class: 'title-row' },
      h('h1', {}, t('dataset.title', { name: d.name, version: d.version })),
      h('a', { class: 'button', href: `#/runs/new?dataset=${d.id}` }, t('dataset.train')),
    ),
    h(
      'p',
      { class: 'hint' },
      t('dataset.intro', { images: d.imageCount, classes: d.classNames.length, by: d.createdBy, at: formatDateTime(d.createdAt) }),
    ),
    d.versions.length > 1
      ? h(
          'nav',
          { class: 'versions', 'aria-label': t('dataset.versions') },
          t('dataset.versionsLabel'),
          ...d.versions.map((v) =>
            v.id === d.id ? h('strong', {}, `v${v.version} `) : h('a', { href: `#/datasets/${v.id}` }, `v${v.version} `),
          ),
          latest && latest.id !== d.id ? h('span', { class: 'hint' }, t('dataset.latest', { version: latest.version })) : null,
        )
      : null,
    h('section', { class: 'card', 'aria-label': t('dataset.report') }, h('h2', {}, t('dataset.report')), findingsView(d.findings)),
    h(
      'section',
      { class: 'card', 'aria-label': t('dataset.splits') },
      h('h2', {}, t('dataset.perClassSplit')),
      h('p', { class: 'hint', 'data-testid': 'split-summary' }, splitSummary(d)),
      countsTable(d),
      stats
        ? h(
            'p',
            { class: imbalance ? 'warning' : 'hint', 'data-testid': 'imbalance' },
            t('dataset.imbalance', { ratio: stats.imbalanceRatio.toFixed(1) }) + (imbalance ? t('dataset.imbalanceHigh') : ''),
          )
        : null,
    ),
    stats
      ? h(
          'section',
          { class: 'card', 'aria-label': t('dataset.sizes') },
          h('h2', {}, t('dataset.sizesTitle')),
          h(
            'p',
            { class: 'hint' },
            t('dataset.widths', { minW: stats.minWidth, maxW: stats.maxWidth, minH: stats.minHeight, maxH: stats.maxHeight }),
          ),
          h(
            'table',
            { class: 'counts', 'data-testid': 'sizes' },
            h(
              'tbody',
              {},
              ...Object.entries(stats.sizes).map(([size, n]) => h('tr', {}, h('th', {}, size), h('td', {}, plural('dataset.images', n)))),
            ),
          ),
          h(
            'p',
            { class: 'hint' },
            t('dataset.channels') +
              Object.entries(stats.channels)
                .map(([c, n]) => `${n} ${['1', '2', '3', '4'].includes(c) ? t(`dataset.channel.${c as '1' | '2' | '3' | '4'}`) : c}`)
                .join(', '),
          ),
        )
      : null,
    labelCheckSection(d),
    gallery(d),
    newVersion(d),
  );
}

function splitSummary(d: Dataset): string {
  const s = d.split;
  const total = (split: string) => Object.values(d.splitCounts[split] ?? {}).reduce((a, b) => a + b, 0);
  const counts = t('dataset.counts', { train: total('train'), val: total('val'), test: total('test') });
  if (s.mode === 'archive') return `${t('dataset.archiveSplit', { seed: s.seed ?? '—' })} ${counts}`;
  if (s.mode === 'auto') {
    return `${t('dataset.autoSplit', {
      train: 100 - (s.valPercent ?? 0) - (s.testPercent ?? 0),
      val: s.valPercent ?? 0,
      test: s.testPercent ?? 0,
      seed: s.seed ?? '—',
    })} ${counts} ${t('dataset.testHeldOut')}`;
  }
  return counts;
}

function gallery(d: Dataset): HTMLElement {
  const classes = Object.entries(d.gallery);
  return h(
    'section',
    { class: 'card', 'aria-label': t('dataset.gallery'), 'data-testid': 'gallery' },
    h('h2', {}, t('dataset.gallery')),
    classes.length === 0 ? h('p', { class: 'hint' }, t('dataset.noThumbs')) : null,
    ...classes.map(([cls, paths]) =>
      h(
        'div',
        { class: 'gallery-class' },
        h('h3', {}, cls),
        h(
          'div',
          { class: 'thumbs' },
          ...paths.map((p) =>
            h(
              'a',
              {
                href: `/api/datasets/${d.id}/images?path=${encodeURIComponent(p)}`,
                target: '_blank',
                title: p,
              },
              h('img', { src: `/api/datasets/${d.id}/thumbnails?path=${encodeURIComponent(p)}`, alt: `${cls}: ${p}`, loading: 'lazy' }),
            ),
          ),
        ),
      ),
    ),
  );
}

/** A new version: the same images split anew, or a new upload. */
function newVersion(d: Dataset): HTMLElement {
  const val = h('input', {
    id: 'resplit-val',
    type: 'number',
    min: 1,
    max: 50,
    value: String(d.split.valPercent ?? 10),
  }) as HTMLInputElement;
  const test = h('input', {
    id: 'resplit-test',
    type: 'number',
    min: 0,
    max: 50,
    value: String(d.split.testPercent ?? 10),
  }) as HTMLInputElement;
  const seed = h('input', { id: 'resplit-seed', type: 'number', value: String((d.split.seed ?? 42) + 1) }) as HTMLInputElement;
  const error = h('p', { class: 'error', role: 'alert' });
  const button = h('button', { type: 'submit' }, t('dataset.resplitButton')) as HTMLButtonElement;
  const form = h(
    'form',
    { class: 'card', 'aria-label': t('dataset.resplit') },
    h('h2', {}, t('dataset.resplit')),
    h('p', { class: 'hint' }, t('dataset.resplitHint')),
    h('label', { for: 'resplit-val' }, t('dataset.valPercent')),
    val,
    h('label', { for: 'resplit-test' }, t('dataset.testPercent')),
    test,
    h('label', { for: 'resplit-seed' }, t('dataset.seed')),
    seed,
    button,
    error,
  );
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
  return h(
    'div',
    {},
    form,
    uploadForm(
      t('dataset.uploadVersion'),
      (v) => {
        location.hash = `#/datasets/${v.id}`;
      },
      d.id,
    ),
  );
}
