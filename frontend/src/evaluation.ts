import type { Evaluation } from './api';
import { formatPercent, h } from './dom';

/** The final model's report: per-class precision and recall, the confusion matrix, the surest mistakes. */
export function evaluationView(e: Evaluation, datasetId: number): HTMLElement {
  const cellView = h('div', { class: 'cell-images', 'data-testid': 'cell-images' });
  const showCell = (i: number, j: number, count: number) => {
    const ids = e.cells?.find((c) => c.actual === i && c.predicted === j)?.imageIds ?? [];
    cellView.replaceChildren(h('h3', {}, `${count} ${e.classNames[i]} image(s) predicted as ${e.classNames[j]}`),
      ...(ids.length > 0 && ids.length < count ? [h('p', { class: 'hint', 'data-testid': 'cell-shown' },
        `Showing ${ids.length} of them (Kiln keeps up to ${ids.length} examples per cell).`)] : []),
      ids.length === 0 ? h('p', { class: 'hint' }, i === j ? 'These are the correct predictions.' : 'No image ids were kept for this cell.')
        : h('div', { class: 'thumbs' }, ...ids.map((id) => h('figure', {},
          h('img', { src: `/api/datasets/${datasetId}/images?path=${encodeURIComponent(id)}`, alt: id, loading: 'lazy' }),
          h('figcaption', {}, id)))));
  };
  const perClass = h('table', { class: 'per-class', 'data-testid': 'per-class' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Class'), h('th', {}, 'Precision'), h('th', {}, 'Recall'), h('th', {}, 'Images'))),
    h('tbody', {}, ...e.perClass.map((c) => h('tr', {},
      h('th', {}, c.name), h('td', {}, formatPercent(c.precision)), h('td', {}, formatPercent(c.recall)),
      h('td', {}, String(c.support))))));
  const matrix = e.confusion;
  const max = matrix ? Math.max(1, ...matrix.flat()) : 1;
  const confusion = matrix ? h('table', { class: 'confusion', 'data-testid': 'confusion' },
    h('thead', {}, h('tr', {}, h('th', {}, 'true ↓ / predicted →'), ...e.classNames.map((n) => h('th', { title: n }, n)))),
    h('tbody', {}, ...matrix.map((row, i) => h('tr', {}, h('th', {}, e.classNames[i]),
      ...row.map((v, j) => h('td', {
        class: i === j ? 'diag' : v > 0 ? 'off' : '',
        style: `--weight:${(v / max).toFixed(3)}`,
        title: `${v} ${e.classNames[i]} image(s) predicted as ${e.classNames[j]}`,
        'data-cell': `${i},${j}`,
        onclick: () => showCell(i, j, v),
      }, String(v)))))))
    // Too many classes for a matrix: the pairs the model confuses most.
    : h('table', { class: 'per-class', 'data-testid': 'confused-pairs' },
      h('thead', {}, h('tr', {}, h('th', {}, 'True class'), h('th', {}, 'Predicted as'), h('th', {}, 'Images'))),
      h('tbody', {}, ...(e.confusedPairs ?? []).map((p) => h('tr', { onclick: () => showCell(p.actual, p.predicted, p.count) },
        h('td', {}, e.classNames[p.actual]), h('td', {}, e.classNames[p.predicted]), h('td', {}, String(p.count))))));
  const mistakes = e.mistakes.length === 0 ? h('p', {}, `No ${e.split} image was misclassified.`)
    : h('ol', { class: 'mistakes', 'data-testid': 'mistakes' }, ...e.mistakes.slice(0, 12).map((m) => h('li', {},
      h('img', { src: `/api/datasets/${datasetId}/images?path=${encodeURIComponent(m.imageId)}`, alt: m.imageId,
        loading: 'lazy', class: 'mistake-thumb' }),
      h('span', {}, h('code', {}, m.imageId), ` is ${m.actual}, predicted ${m.predicted} with ${formatPercent(m.confidence)} confidence`))));
  return h('section', { class: 'card evaluation', 'data-testid': 'evaluation' },
    h('h2', {}, e.split === 'test'
      ? `Final model on the held-out test split: ${formatPercent(e.accuracy)} accurate`
      : `Final model on the validation split: ${formatPercent(e.accuracy)} accurate`),
    h('p', { class: 'hint' }, `Weights of epoch ${e.epoch} (best epoch: ${e.bestEpoch}).`
      + (e.split === 'test' ? ` Scored once on ${e.testImages} test images the model never trained or was chosen on;`
        + ` validation accuracy of the same model: ${formatPercent(e.valAccuracy)} (T16).` : '')
      + (e.stoppedEarly ? ` ${e.stoppedEarly}.` : '')),
    h('div', { class: 'evaluation-grid' },
      h('div', {}, h('h3', {}, 'Per class'),
        h('p', { class: 'hint' }, 'Precision: of the images the model called this class, the share that really are.'
          + ' Recall: of the images that really are this class, the share the model found.'), perClass),
      h('div', {}, h('h3', {}, matrix ? 'Confusion matrix' : 'Most confused pairs'),
        h('p', { class: 'hint' }, matrix ? 'Each row is the true class, each column what the model said:'
          + ' the diagonal holds the right answers, every other cell a kind of mistake. Click a cell to see its images.'
          : `${e.classNames.length} classes are too many for a matrix: the pairs of classes the model mixes up most. Click one to see its images.`),
        confusion)),
    cellView,
    h('h3', {}, 'Most confident mistakes'), mistakes);
}
