// Using a succeeded run's model: try it, call it with an API key (curl), and how often it was asked.
import { api, type Run } from '../api';
import { LiveChart } from '../charts';
import { h } from '../dom';
import { plural, t } from '../i18n';

/** The curl call that predicts with this run's model, with this server's address. */
export function curlExample(runId: number): HTMLElement {
  const url = `${location.origin}/api/runs/${runId}/predict`;
  return h(
    'div',
    {},
    h('p', {}, t('use.keyIntro'), h('a', { href: '#/account' }, t('use.keyPage')), t('use.keyOutro')),
    h(
      'pre',
      { class: 'code', 'data-testid': 'curl-example', tabindex: 0, 'aria-label': t('use.curlLabel') },
      `curl -H "Authorization: Bearer $KILN_API_KEY" \\\n     -F file=@photo.jpg -F file=@another.png \\\n     ${url}`,
    ),
    h('p', { class: 'hint' }, t('use.answers')),
  );
}

/** The run page's "Use this model" card: try it, the curl call, and the prediction log's chart. */
export function modelUseView(run: Run): HTMLElement {
  const section = h('section', { class: 'card', 'data-testid': 'model-use' }, h('h2', {}, t('use.title')));
  if (!run.onnxAvailable) {
    section.append(
      h(
        'p',
        { class: 'hint', 'data-testid': 'onnx-unavailable' },
        t('use.noOnnx', { reason: run.onnxUnavailableReason ?? t('use.unknownReason') }),
      ),
    );
    return section;
  }
  const totals = h('p', { class: 'hint', 'data-testid': 'prediction-totals' }, t('use.noPredictions'));
  const chart = new LiveChart(
    t('use.chart'),
    'chart-predictions',
    'request',
    [{ label: t('use.msPerImage'), color: '#0891b2' }],
    undefined,
    t('use.noPredictions'),
  );
  section.append(
    h(
      'p',
      {},
      h('a', { class: 'button', href: `#/runs/${run.id}/predict`, 'data-testid': 'try-model' }, t('use.try')),
      ' ',
      h('span', { class: 'hint' }, t('use.download')),
    ),
    curlExample(run.id),
    totals,
    chart.element,
  );
  api
    .predictionLog(run.id)
    .then((log) => {
      if (log.requests === 0) return;
      totals.textContent = t('use.totals', {
        requests: plural('use.request', log.requests),
        images: plural('use.image', log.images),
        failed: log.failed ? t('use.failed', { failed: log.failed }) : '',
      });
      const first = log.requests - log.recent.length;
      log.recent.forEach((r, i) => chart.add(first + i + 1, [r.images ? r.millis / r.images : null]));
    })
    .catch(() => {
      /* the card stays without its chart */
    });
  return section;
}
