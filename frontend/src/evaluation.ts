import { t } from './i18n';
import type { Evaluation } from './api';
import { formatPercent, h } from './dom';
import { whyButton } from './why';

/** The final model's report: per-class precision and recall, the confusion matrix, the surest mistakes. */
export function evaluationView(e: Evaluation, datasetId: number, runId: number | null = null): HTMLElement {
  const cellView = h('div', { class: 'cell-images', 'data-testid': 'cell-images' });
  const showCell = (i: number, j: number, count: number) => {
    const ids = e.cells?.find((c) => c.actual === i && c.predicted === j)?.imageIds ?? [];
    cellView.replaceChildren(
      h('h3', {}, t('eval.cellTitle', { count, actual: e.classNames[i], predicted: e.classNames[j] })),
      ...(ids.length > 0 && ids.length < count
        ? [h('p', { class: 'hint', 'data-testid': 'cell-shown' }, t('eval.showing', { n: ids.length }))]
        : []),
      ids.length === 0
        ? h('p', { class: 'hint' }, i === j ? t('eval.correct') : t('eval.noIds'))
        : h(
            'div',
            { class: 'thumbs' },
            ...ids.map((id) =>
              h(
                'figure',
                {},
                h('img', { src: `/api/datasets/${datasetId}/images?path=${encodeURIComponent(id)}`, alt: id, loading: 'lazy' }),
                h('figcaption', {}, id),
              ),
            ),
          ),
    );
  };
  const perClass = h(
    'table',
    { class: 'per-class', 'data-testid': 'per-class' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, t('eval.class')),
        h('th', {}, t('eval.precision')),
        h('th', {}, t('eval.recall')),
        h('th', {}, t('eval.images')),
      ),
    ),
    h(
      'tbody',
      {},
      ...e.perClass.map((c) =>
        h(
          'tr',
          {},
          h('th', {}, c.name),
          h('td', {}, formatPercent(c.precision)),
          h('td', {}, formatPercent(c.recall)),
          h('td', {}, String(c.support)),
        ),
      ),
    ),
  );
  const matrix = e.confusion;
  const max = matrix ? Math.max(1, ...matrix.flat()) : 1;
  const confusion = matrix
    ? h(
        'table',
        { class: 'confusion', 'data-testid': 'confusion', tabindex: 0, 'aria-label': t('eval.confusion') },
        h('thead', {}, h('tr', {}, h('th', {}, t('eval.axes')), ...e.classNames.map((n) => h('th', { title: n }, n)))),
        h(
          'tbody',
          {},
          ...matrix.map((row, i) =>
            h(
              'tr',
              {},
              h('th', {}, e.classNames[i]),
              ...row.map((v, j) =>
                h(
                  'td',
                  {
                    class: i === j ? 'diag' : v > 0 ? 'off' : '',
                    style: `--weight:${(v / max).toFixed(3)}`,
                    title: t('eval.cellTitle', { count: v, actual: e.classNames[i], predicted: e.classNames[j] }),
                    'data-cell': `${i},${j}`,
                    onclick: () => showCell(i, j, v),
                  },
                  String(v),
                ),
              ),
            ),
          ),
        ),
      )
    : // Too many classes for a matrix: the pairs the model confuses most.
      h(
        'table',
        { class: 'per-class', 'data-testid': 'confused-pairs' },
        h('thead', {}, h('tr', {}, h('th', {}, t('eval.trueClass')), h('th', {}, t('eval.predictedAs')), h('th', {}, t('eval.images')))),
        h(
          'tbody',
          {},
          ...(e.confusedPairs ?? []).map((p) =>
            h(
              'tr',
              { onclick: () => showCell(p.actual, p.predicted, p.count) },
              h('td', {}, e.classNames[p.actual]),
              h('td', {}, e.classNames[p.predicted]),
              h('td', {}, String(p.count)),
            ),
          ),
        ),
      );
  const mistakes =
    e.mistakes.length === 0
      ? h('p', {}, t(e.split === 'test' ? 'eval.noMistakes.test' : 'eval.noMistakes.val'))
      : h(
          'ol',
          { class: 'mistakes', 'data-testid': 'mistakes' },
          ...e.mistakes.slice(0, 12).map((m) =>
            h(
              'li',
              {},
              h('img', {
                src: `/api/datasets/${datasetId}/images?path=${encodeURIComponent(m.imageId)}`,
                alt: m.imageId,
                loading: 'lazy',
                class: 'mistake-thumb',
              }),
              h(
                'span',
                {},
                h('code', {}, m.imageId),
                t('eval.mistake', { actual: m.actual, predicted: m.predicted, confidence: formatPercent(m.confidence) }),
                runId === null ? null : whyButton(runId, () => datasetImage(datasetId, m.imageId), imageUrl(datasetId, m.imageId)),
              ),
            ),
          ),
        );
  return h(
    'section',
    { class: 'card evaluation', 'data-testid': 'evaluation' },
    h(
      'h2',
      {},
      e.split === 'test'
        ? t('eval.titleTest', { accuracy: formatPercent(e.accuracy) })
        : t('eval.titleVal', { accuracy: formatPercent(e.accuracy) }),
    ),
    h(
      'p',
      { class: 'hint' },
      t('eval.weights', { epoch: e.epoch ?? '—', best: e.bestEpoch ?? '—' }) +
        (e.split === 'test' ? t('eval.scoredOnce', { images: e.testImages ?? '—', val: formatPercent(e.valAccuracy) }) : '') +
        (e.stoppedEarly ? ` ${e.stoppedEarly}.` : ''),
    ),
    h(
      'div',
      { class: 'evaluation-grid' },
      h('div', {}, h('h3', {}, t('eval.perClass')), h('p', { class: 'hint' }, t('eval.precisionRecall')), perClass),
      h(
        'div',
        {},
        h('h3', {}, matrix ? t('eval.confusion') : t('eval.confusedPairs')),
        h('p', { class: 'hint' }, matrix ? t('eval.confusionHelp') : t('eval.pairsHelp', { n: e.classNames.length })),
        confusion,
      ),
    ),
    cellView,
    h('h3', {}, t('eval.mistakes')),
    mistakes,
    checkLabelsOffer(e, datasetId),
  );
}

function imageUrl(datasetId: number, imageId: string): string {
  return `/api/datasets/${datasetId}/images?path=${encodeURIComponent(imageId)}`;
}

/** A dataset image as a file, to ask the model about it again. */
async function datasetImage(datasetId: number, imageId: string): Promise<File> {
  const response = await fetch(imageUrl(datasetId, imageId), { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const blob = await response.blob();
  return new File([blob], imageId.split('/').pop() ?? 'image', { type: blob.type });
}

/** Mistakes the model is this sure of are often photos in the wrong folder (T16). */
const SURE_MISTAKE = 0.9;

/** After a run whose surest mistakes look like labelling errors: an offer to check the labels. */
function checkLabelsOffer(e: Evaluation, datasetId: number): HTMLElement | null {
  const sure = e.mistakes.filter((m) => m.confidence >= SURE_MISTAKE).length;
  if (sure < 2) return null;
  return h(
    'p',
    { class: 'hint', 'data-testid': 'check-labels-offer' },
    t('eval.checkLabels', { n: sure, sure: formatPercent(SURE_MISTAKE) }),
    ' ',
    h('a', { href: `#/datasets/${datasetId}` }, t('labels.start')),
  );
}
