// "Why?": the occlusion map of one image (issue 33), drawn over the image as the model saw it
// (squared to its input size), with a legend in plain words.
import { t } from './i18n';
import { api, ApiError, type WhyMap } from './api';
import { formatPercent, h } from './dom';

/**
 * A "Why?" button for one image; on click it asks the server for the map and shows the image with
 * the map over it. {@code file} gives the image's bytes (the upload, or a dataset image fetched).
 */
export function whyButton(runId: number, file: () => Promise<File>, src: string): HTMLElement {
  const out = h('div', { class: 'why', 'data-testid': 'why' });
  const button = h(
    'button',
    { type: 'button', class: 'secondary small', 'data-testid': 'why-button' },
    t('why.button'),
  ) as HTMLButtonElement;
  button.addEventListener('click', async () => {
    button.disabled = true;
    out.replaceChildren(h('p', { class: 'hint', role: 'status' }, t('why.asking')));
    try {
      const map = await api.why(runId, await file());
      out.replaceChildren(whyView(map, src));
      button.remove();
    } catch (err) {
      out.replaceChildren(h('p', { class: 'error', role: 'alert' }, err instanceof ApiError ? err.message : String(err)));
      button.disabled = false;
    }
  });
  return h('div', {}, button, out);
}

/** The image squared as the model saw it, the map in red over it, and what the red means. */
export function whyView(map: WhyMap, src: string): HTMLElement {
  // Drawn at the model's input size with cells of {@code stride} pixels: the last row and column
  // may reach past the edge, and are clipped there.
  const canvas = h('canvas', { width: map.inputSize, height: map.inputSize, class: 'why-map', 'aria-hidden': 'true' }) as HTMLCanvasElement;
  const top = Math.max(...map.cells, 0);
  const ctx = canvas.getContext('2d');
  if (ctx && top > 0) {
    map.cells.forEach((v, i) => {
      const alpha = Math.max(0, v) / top;
      if (alpha <= 0) return;
      ctx.fillStyle = `rgba(220, 38, 38, ${(0.75 * alpha).toFixed(3)})`;
      ctx.fillRect((i % map.rows) * map.stride, Math.floor(i / map.rows) * map.stride, map.stride, map.stride);
    });
  }
  return h(
    'figure',
    { class: 'why-figure' },
    h('div', { class: 'why-stack' }, h('img', { src, alt: t('why.alt', { className: map.className }) }), canvas),
    h(
      'figcaption',
      { 'data-testid': 'why-legend' },
      top > 0
        ? t('why.legend', { className: map.className, probability: formatPercent(map.probability), drop: formatPercent(top) })
        : t('why.flat', { className: map.className }),
    ),
  );
}
