// Using a succeeded run's model: try it, call it with an API key (curl), and how often it was asked.
import { api, type Run } from '../api';
import { LiveChart } from '../charts';
import { h } from '../dom';

/** The curl call that predicts with this run's model, with this server's address. */
export function curlExample(runId: number): HTMLElement {
  const url = `${location.origin}/api/runs/${runId}/predict`;
  return h('div', {},
    h('p', {}, 'With an API key (create one on ', h('a', { href: '#/account' }, 'your account page'), '):'),
    h('pre', { class: 'code', 'data-testid': 'curl-example' },
      `curl -H "Authorization: Bearer $KILN_API_KEY" \\\n     -F file=@photo.jpg -F file=@another.png \\\n     ${url}`),
    h('p', { class: 'hint' }, 'Answers JSON: for each file its top 5 classes with probabilities (?top=N for more or fewer), '
      + 'or the reason it could not be read.'));
}

/** The run page's "Use this model" card: try it, the curl call, and the prediction log's chart. */
export function modelUseView(run: Run): HTMLElement {
  const section = h('section', { class: 'card', 'data-testid': 'model-use' }, h('h2', {}, 'Use this model'));
  if (!run.onnxAvailable) {
    section.append(h('p', { class: 'hint', 'data-testid': 'onnx-unavailable' },
      `No ONNX export, so no predictions in Kiln: ${run.onnxUnavailableReason ?? 'unknown reason'}. `
      + 'The downloaded model still runs with DJL (see its MODEL.md).'));
    return section;
  }
  const totals = h('p', { class: 'hint', 'data-testid': 'prediction-totals' }, 'No predictions yet.');
  const chart = new LiveChart('Prediction requests (ms per image)', 'chart-predictions', 'request',
    [{ label: 'ms per image', color: '#0891b2' }], undefined, 'No predictions yet.');
  section.append(
    h('p', {}, h('a', { class: 'button', href: `#/runs/${run.id}/predict`, 'data-testid': 'try-model' }, 'Try it on your images'),
      ' ', h('span', { class: 'hint' }, 'The download holds model.onnx for ONNX Runtime, and MODEL.md with how to use it.')),
    curlExample(run.id), totals, chart.element);
  api.predictionLog(run.id).then((log) => {
    if (log.requests === 0) return;
    totals.textContent = `${log.requests} request${log.requests === 1 ? '' : 's'}, ${log.images} image${log.images === 1 ? '' : 's'}`
      + (log.failed ? ` (${log.failed} unreadable)` : '') + '.';
    const first = log.requests - log.recent.length;
    log.recent.forEach((r, i) => chart.add(first + i + 1, [r.images ? r.millis / r.images : null]));
  }).catch(() => { /* the card stays without its chart */ });
  return section;
}
