import { plural, t, type MessageKey } from '../i18n';
// Try a succeeded run's model on your own images: drop or pick images (or a .zip), see the top
// classes with confidence bars; a batch also gets a table, a CSV download, a histogram of
// confidences and the images the model is least sure about.
import { whyButton } from '../why';
import { api, ApiError, type Prediction, type PredictionResult, type Run } from '../api';
import { formatPercent, h, mount } from '../dom';
import { curlExample } from './modelUse';

export async function predictPage(root: HTMLElement, runId: number): Promise<void> {
  const run = await api.run(runId);
  const title = h('h1', {}, t('predict.title', { id: run.id, name: run.name }));
  const back = h('a', { href: `#/runs/${run.id}` }, t('predict.back'));
  const blocked = unavailable(run);
  if (blocked) {
    mount(root, back, title, h('p', { class: 'card error', role: 'alert', 'data-testid': 'predict-unavailable' }, blocked));
    return;
  }
  const input = h('input', {
    type: 'file',
    id: 'predict-files',
    multiple: true,
    accept: 'image/*,.zip,application/zip',
    'data-testid': 'predict-files',
  }) as HTMLInputElement;
  const drop = h(
    'label',
    { class: 'dropzone', for: 'predict-files', 'data-testid': 'predict-drop' },
    h('strong', {}, t('predict.drop')),
    h('span', { class: 'hint' }, t('predict.dropHint')),
    input,
  );
  const status = h('p', { role: 'status', class: 'status', 'aria-live': 'polite' });
  const results = h('div', { 'data-testid': 'predict-results' });
  let thumbnails: string[] = [];

  async function send(files: File[]) {
    if (files.length === 0) return;
    thumbnails.forEach((url) => URL.revokeObjectURL(url));
    thumbnails = [];
    status.className = 'status';
    status.textContent = t('predict.asking', { files: plural('findings.files', files.length) });
    results.replaceChildren();
    try {
      const answer = await api.predict(run.id, files);
      const byName = new Map<string, File>();
      files.forEach((f) => byName.set(f.name, f));
      const ok = answer.predictions.filter((p) => !p.error).length;
      status.textContent =
        t('predict.answered', { ok, n: answer.predictions.length, ms: Math.round(answer.millis) }) +
        (ok < answer.predictions.length ? t('predict.unread', { n: answer.predictions.length - ok }) : t('lineage.end'));
      results.replaceChildren(
        ...resultsView(answer, (name) => {
          const file = byName.get(name);
          if (!file || !file.type.startsWith('image/')) return null;
          const url = URL.createObjectURL(file);
          thumbnails.push(url);
          return { url, why: whyButton(run.id, () => Promise.resolve(file), url) };
        }),
      );
    } catch (err) {
      status.className = 'error';
      status.textContent = err instanceof ApiError ? err.message : String(err);
    }
  }

  input.addEventListener('change', () => send(Array.from(input.files ?? [])));
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    send(Array.from((e as DragEvent).dataTransfer?.files ?? []));
  });

  mount(
    root,
    back,
    title,
    h(
      'p',
      { class: 'hint' },
      `${run.recipe.architecture} · ${String(run.recipe.inputSize)} px · ${t('predict.classes')}` +
        (run.evaluation?.classNames ?? []).join(', '),
    ),
    h('section', { class: 'card' }, drop, status),
    results,
    h('section', { class: 'card' }, h('h2', {}, t('predict.fromProgram')), curlExample(run.id)),
  );
}

/** Why this run cannot answer predictions, or null when it can. */
export function unavailable(run: Run): string | null {
  if (run.state !== 'succeeded' || !run.modelAvailable) {
    return t('predict.noModel', { id: run.id, state: t(`state.${run.state}` as MessageKey) });
  }
  if (!run.onnxAvailable) {
    return t('predict.noOnnx', { reason: run.onnxUnavailableReason ?? t('predict.noExport') });
  }
  return null;
}

/** An uploaded image's thumbnail and its "Why?" (images inside an archive have neither). */
type Shown = { url: string; why: HTMLElement } | null;

function resultsView(answer: PredictionResult, thumbnail: (file: string) => Shown): HTMLElement[] {
  const cards = h('div', { class: 'predictions' }, ...answer.predictions.map((p) => predictionCard(p, thumbnail(p.file))));
  if (answer.predictions.length < 2) return [cards];
  const answered = answer.predictions.filter((p) => !p.error);
  return [batchSummary(answer, answered), cards];
}

function predictionCard(p: Prediction, shown: Shown): HTMLElement {
  const picture = shown
    ? h('img', { src: shown.url, alt: p.file, class: 'thumb' })
    : h('div', { class: 'thumb none', 'aria-hidden': 'true' }, p.error ? '!' : '');
  if (p.error) {
    return h(
      'article',
      { class: 'prediction failed', 'data-testid': 'prediction' },
      picture,
      h('div', {}, h('strong', { class: 'file' }, p.file), h('p', { class: 'error', 'data-testid': 'prediction-error' }, p.error)),
    );
  }
  const rows = p.top.map((c, i) =>
    h(
      'div',
      { class: 'top-row' },
      h('span', { class: i === 0 ? 'top-name first' : 'top-name' }, c.name),
      h(
        'span',
        {
          class: 'meter',
          role: 'meter',
          'aria-valuemin': 0,
          'aria-valuemax': 100,
          'aria-valuenow': Math.round(c.probability * 100),
          'aria-label': `${c.name}: ${formatPercent(c.probability)}`,
        },
        h('span', { class: 'fill', style: `width: ${(c.probability * 100).toFixed(1)}%` }),
      ),
      h('span', { class: 'top-value' }, formatPercent(c.probability)),
    ),
  );
  return h(
    'article',
    { class: 'prediction', 'data-testid': 'prediction' },
    picture,
    h(
      'div',
      {},
      h('strong', { class: 'file' }, p.file),
      h('p', { 'data-testid': 'prediction-top' }, `${p.top[0].name} (${formatPercent(p.top[0].probability)})`),
      ...rows,
      shown ? shown.why : null,
    ),
  );
}

function batchSummary(answer: PredictionResult, answered: Prediction[]): HTMLElement {
  const csv = toCsv(answer);
  const download = h(
    'a',
    {
      class: 'button secondary',
      download: `kiln-run-${answer.runId}-predictions.csv`,
      href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })),
      'data-testid': 'predict-csv',
    },
    t('predict.csv'),
  );
  const table = h(
    'table',
    { class: 'runs', 'data-testid': 'predict-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, t('predict.file')),
        h('th', {}, t('eval.class')),
        h('th', {}, t('predict.confidence')),
        h('th', {}, t('predict.runnerUp')),
      ),
    ),
    h(
      'tbody',
      {},
      ...answer.predictions.map((p) =>
        h(
          'tr',
          {},
          h('td', {}, p.file),
          h('td', {}, p.error ? h('span', { class: 'error' }, p.error) : p.top[0].name),
          h('td', {}, p.error ? '' : formatPercent(p.top[0].probability)),
          h('td', {}, p.error || p.top.length < 2 ? '' : `${p.top[1].name} (${formatPercent(p.top[1].probability)})`),
        ),
      ),
    ),
  );
  const unsure = [...answered].sort((a, b) => a.top[0].probability - b.top[0].probability).slice(0, 5);
  return h(
    'section',
    { class: 'card' },
    h('h2', {}, t('predict.batch')),
    h(
      'div',
      { class: 'batch-row' },
      histogram(answered),
      h(
        'div',
        {},
        h('h3', {}, t('predict.leastSure')),
        unsure.length
          ? h(
              'ol',
              { 'data-testid': 'least-sure' },
              ...unsure.map((p) => h('li', {}, `${p.file}: ${p.top[0].name} (${formatPercent(p.top[0].probability)})`)),
            )
          : h('p', { class: 'hint' }, t('predict.noAnswers')),
      ),
    ),
    table,
    download,
  );
}

/** Top-1 confidences in ten bins of 10 %. */
function histogram(answered: Prediction[]): HTMLElement {
  const bins = new Array(10).fill(0);
  answered.forEach((p) => bins[Math.min(9, Math.floor(p.top[0].probability * 10))]++);
  const most = Math.max(1, ...bins);
  return h(
    'figure',
    { class: 'histogram', 'data-testid': 'confidence-histogram' },
    h('figcaption', {}, t('predict.histogram')),
    h(
      'div',
      { class: 'hist-bars' },
      ...bins.map((count, i) =>
        h('div', {
          class: 'hist-bar',
          title: `${i * 10}–${i * 10 + 10} %: ${count} image${count === 1 ? '' : 's'}`,
          style: `height: ${(count / most) * 100}%`,
        }),
      ),
    ),
    h('div', { class: 'hist-axis' }, h('span', {}, '0 %'), h('span', {}, '50 %'), h('span', {}, '100 %')),
  );
}

function toCsv(answer: PredictionResult): string {
  const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
  const lines = ['file,class,probability,second_class,second_probability,error'];
  for (const p of answer.predictions) {
    const first = p.top[0];
    const second = p.top[1];
    lines.push(
      [
        quote(p.file),
        first ? quote(first.name) : '',
        first ? first.probability.toFixed(6) : '',
        second ? quote(second.name) : '',
        second ? second.probability.toFixed(6) : '',
        p.error ? quote(p.error) : '',
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}
