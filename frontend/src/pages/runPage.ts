import { api, ApiError, type MetricPoint, type Preset, type Run, type RunAttempt } from '../api';
import { LiveChart } from '../charts';
import { CURVES, rowOf } from '../curves';
import { modelUseView } from './modelUse';
import { fieldLabel, labelsReady } from '../evidence';
import { formatNumber, lang, plural, say, t, type MessageKey } from '../i18n';
import { formatDuration, formatPercent, h, mount, Section, stateBadge } from '../dom';
import { RunLive } from '../live';
import { evaluationView } from '../evaluation';
import { lineageView, suggestionsView, updateEvidence } from '../advice';
import { autopilotStoryView } from '../autopilot';
import type { Suggestion } from '../api';
import { reviewView } from '../review';
import { mayChange } from '../session';

const TERMINAL = ['succeeded', 'failed', 'cancelled'];

/** The live view of one run: status, progress, four curves. Returns a cleanup that closes the socket. */
export function runPage(root: HTMLElement, runId: number): () => void {
  const title = h('h1', {}, `Run #${runId}`);
  const state = h('span', {});
  const connection = h('span', { class: 'connection', 'data-testid': 'connection' }, 'connecting…');
  const progressBar = h('progress', { max: 1, value: 0, 'aria-label': t('run.progressLabel') }) as HTMLProgressElement;
  const progressText = h('p', { 'data-testid': 'progress' }, '');
  const facts = new Section(h('dl', { class: 'facts' }));
  const throughputText = h('span', {}, '—');
  let presets: Preset[] = [];
  const message = h('div', { class: 'error', role: 'alert', 'data-testid': 'run-message' });
  const failure = new Section(message);
  // Errors of this page's own actions (cancel, the live feed), apart from the run's failure reason.
  const actionError = h('p', { class: 'error', role: 'alert', 'data-testid': 'action-error', hidden: true });
  const showActionError = (text: string) => {
    actionError.textContent = text;
    actionError.hidden = !text;
  };
  let pretrainedNames = new Map<string, string>();
  const actions = new Section(h('div', { class: 'actions' }));
  const report = h('div', {});
  const advice = new Section();
  const lineage = h('div', {});
  const review = h('div', {});
  const attemptsView = h('section', { class: 'card', 'data-testid': 'attempts', hidden: '' });
  let attemptsKey = '';
  let rewoundFor = 0;
  let reviewKey = '';
  let suggestions: Suggestion[] = [];
  let lineageFor = '';
  let labelsLoaded = false;

  const smoothing = h('input', { id: 'smoothing', type: 'range', min: 0, max: 0.99, step: 0.01, value: 0.6 }) as HTMLInputElement;
  const afterEpoch = t('run.chart.afterEpoch');
  const charts = CURVES.map((spec) => ({
    spec,
    chart: new LiveChart(
      say(spec.title),
      `chart-${spec.id}`,
      spec.x,
      spec.series.map((x) => ({ label: say(x.label), color: x.color })),
      spec.range,
      spec.x === 'epoch' ? afterEpoch : undefined,
    ),
  }));
  // The one smoothed series (the step loss), and the raw series it follows.
  const smoothedChart = charts.find((c) => c.spec.series.some((x) => x.smoothed))!;
  const smoothedIndex = smoothedChart.spec.series.findIndex((x) => x.smoothed);
  const smoothedMetric = smoothedChart.spec.series[smoothedIndex].metric;
  const rawIndex = smoothedChart.spec.series.findIndex((x) => !x.smoothed && x.metric === smoothedMetric);
  let ema: number | null = null;
  let run: Run | null = null;
  let throughput: number | null = null;
  // Progress seen in the points themselves, ahead of the run record (which changes once an epoch).
  let stepSeen = 0;
  let epochInProgress = 0;

  smoothing.addEventListener('input', () => {
    const alpha = Number(smoothing.value);
    let m: number | null = null;
    smoothedChart.chart.replaceSeries(
      smoothedIndex,
      smoothedChart.chart.column(rawIndex).map((v) => (v === null ? m : (m = m === null ? v : alpha * m + (1 - alpha) * v))),
    );
    ema = m;
  });

  function onMetric(p: MetricPoint) {
    stepSeen = Math.max(stepSeen, p.step);
    epochInProgress = Math.max(epochInProgress, p.epoch);
    const value = p.values[smoothedMetric];
    if (p.kind === smoothedChart.spec.x && value !== undefined && isFinite(value)) {
      const alpha = Number(smoothing.value);
      ema = ema === null ? value : alpha * ema + (1 - alpha) * value;
    }
    if (p.kind === 'step' && p.values.imagesPerSecond) throughput = p.values.imagesPerSecond;
    for (const { spec, chart } of charts) {
      const row = rowOf(spec, p.kind, p.values, ema);
      if (row) chart.add(spec.x === 'step' ? p.step : p.epoch, row);
    }
    if (run) progress(run);
  }

  /** A requeued run dropped the points after its checkpoint: the charts drop them too. */
  function rewind(r: Run) {
    if (r.state !== 'queued' || r.attempts === 0 || rewoundFor === r.attempts) return;
    rewoundFor = r.attempts;
    const lastStep = r.checkpointEpoch * r.stepsPerEpoch;
    for (const { spec, chart } of charts) chart.truncateAfter(spec.x === 'step' ? lastStep : r.checkpointEpoch);
    stepSeen = Math.min(stepSeen, lastStep);
    epochInProgress = Math.min(epochInProgress, r.checkpointEpoch);
  }

  async function showAttempts(r: Run) {
    const key = `${r.attempts}/${r.state}`;
    if (key === attemptsKey || (r.attempts < 2 && r.state !== 'failed')) return;
    attemptsKey = key;
    try {
      const list = await api.runAttempts(r.id);
      attemptsView.replaceChildren(h('h2', {}, t('run.attempts')), h('ol', { class: 'attempts' }, ...list.map(attemptLine)));
      attemptsView.hidden = list.length === 0;
    } catch {
      attemptsKey = '';
    }
  }

  /**
   * The run changed: each section rebuilds only if the part of the run it shows changed, so a
   * keyboard user on Apply or Cancel keeps focus while points arrive (issue 31).
   */
  function render(r: Run) {
    run = r;
    rewind(r);
    showAttempts(r);
    title.textContent = t('run.title', { id: r.id, name: r.name });
    // A finished run is not "live": nothing more will come.
    if (TERMINAL.includes(r.state)) connection.textContent = '';
    if (state.firstElementChild?.getAttribute('data-state') !== r.state) state.replaceChildren(stateBadge(r.state));
    progress(r);
    showFacts(r);
    showFailure(r);
    showAdvice(r);
    showLineage(r);
    showStory(r);
    const key = JSON.stringify([r.state, r.review, r.tags, r.remarks, r.archivedAt]);
    if (key !== reviewKey) {
      reviewKey = key;
      review.replaceChildren(reviewView(r, render));
    }
    showActions(r);
    const useKey = `${r.state}/${r.onnxAvailable}`;
    if (r.state === 'succeeded' && r.modelAvailable && useKey !== modelUseFor) {
      modelUseFor = useKey;
      modelUse.replaceChildren(modelUseView(r));
    }
  }

  /** Progress, time and speed: text only, updated with every point and every second. */
  function progress(r: Run) {
    const total = r.stepsPerEpoch * r.totalEpochs;
    const step = Math.max(r.lastStep, stepSeen);
    const epoch = Math.max(r.currentEpoch, epochInProgress);
    const done = total > 0 ? Math.min(1, step / total) : 0;
    progressBar.value = r.state === 'succeeded' ? 1 : done;
    const elapsed = r.startedAt ? ((r.finishedAt ? Date.parse(r.finishedAt) : Date.now()) - Date.parse(r.startedAt)) / 1000 : 0;
    const eta = done > 0 && !TERMINAL.includes(r.state) ? (elapsed / done) * (1 - done) : NaN;
    progressText.textContent =
      r.state === 'queued'
        ? r.attempts > 0
          ? t('run.requeued', { where: r.checkpointEpoch ? t('run.requeuedAfter', { epoch: r.checkpointEpoch }) : t('run.requeuedStart') })
          : t('run.waiting')
        : t('run.progress', {
            epoch,
            epochs: r.totalEpochs,
            step,
            total: total ? t('run.progressTotal', { total }) : '',
            elapsed: formatDuration(elapsed),
            left: isFinite(eta) ? t('run.progressLeft', { left: formatDuration(eta) }) : '',
          }) + stageText(r, epoch);
    throughputText.textContent = throughput ? t('run.fact.throughputValue', { value: formatNumber(throughput) }) : '—';
  }

  /** The best validation accuracy with how sure it is; a note when the split is too small to judge (T16). */
  function bestValView(r: Run): string | HTMLElement {
    const v = r.validation;
    if (!v) return formatPercent(r.bestValAccuracy);
    const pm = formatNumber(v.plusMinus * 100, 1);
    return h(
      'div',
      {},
      t('run.fact.plusMinus', { v: formatPercent(r.bestValAccuracy), pm, n: formatNumber(v.images) }),
      v.enough
        ? null
        : h(
            'p',
            { class: 'hint', 'data-testid': 'validation-small' },
            t('run.validationSmall', { n: formatNumber(v.images), pm, needed: formatNumber(v.imagesNeeded) }),
            h('a', { href: `#/datasets/${r.datasetId}` }, t('run.validationResplit')),
          ),
    );
  }

  function showFacts(r: Run) {
    const shown = [
      r.datasetId,
      r.datasetName,
      r.datasetVersion,
      r.bestValAccuracy,
      r.validation,
      r.testAccuracy,
      r.state,
      r.adjustments,
      r.presetId,
      r.device,
      r.recipe,
      r.requiredLabels,
      r.minDeviceMemoryGb,
      r.priority,
      r.note,
      presets.length,
      [...pretrainedNames],
      lang(),
    ];
    facts.show(shown, () => [
      ...fact(
        t('run.fact.dataset'),
        h('a', { href: `#/datasets/${r.datasetId}` }, t('run.fact.datasetVersion', { name: r.datasetName, version: r.datasetVersion })),
      ),
      ...fact(t('run.fact.bestVal'), bestValView(r)),
      ...fact(
        t('run.fact.test'),
        r.testAccuracy === null
          ? TERMINAL.includes(r.state)
            ? t('run.fact.noTestSplit')
            : t('run.fact.testLater')
          : h('strong', { 'data-testid': 'test-accuracy' }, formatPercent(r.testAccuracy)),
      ),
      ...(r.adjustments
        ? fact(
            t('run.fact.preset'),
            adjustmentsView(
              r,
              presets.find((p) => p.id === r.presetId),
            ),
          )
        : []),
      ...fact(t('run.fact.device'), plainDevice(r.device)),
      ...fact(t('run.fact.throughput'), throughputText),
      ...fact(t('run.fact.start'), h('span', { 'data-testid': 'run-start' }, startLine(r))),
      ...fact(
        t('run.fact.recipe'),
        t('run.recipeLine', {
          architecture: String(r.recipe.architecture),
          optimizer: String(r.recipe.optimizer),
          lr: String(r.recipe.learningRate),
          schedule: String(r.recipe.schedule),
          batch: String(r.recipe.batchSize),
          wd: String(r.recipe.weightDecay),
        }),
      ),
      ...(r.requiredLabels.length || r.minDeviceMemoryGb !== null || r.priority !== 0
        ? fact(
            t('run.fact.runsOn'),
            [
              r.requiredLabels.length ? t('run.labelled', { labels: r.requiredLabels.join(', ') }) : t('run.anyAgent'),
              r.minDeviceMemoryGb !== null ? t('run.atLeast', { gb: r.minDeviceMemoryGb }) : '',
              r.priority !== 0 ? t('run.priority', { n: r.priority }) : '',
            ]
              .filter((x) => x)
              .join(' · '),
          )
        : []),
      ...(r.note ? fact(t('run.fact.note'), r.note) : []),
    ]);
  }

  function showFailure(r: Run) {
    failure.show([r.failureReason, r.state, r.failureField, lang()], () => {
      if (!r.failureReason || r.state === 'succeeded') return [];
      if (r.state !== 'failed' || !r.failureField) return [document.createTextNode(r.failureReason)];
      // A settings problem: say so, and open the form with that field marked.
      const label = fieldLabel(r.failureField);
      return [
        document.createTextNode(r.failureReason),
        h(
          'p',
          { class: 'hint', 'data-testid': 'settings-problem' },
          t('run.settingsProblem', { field: label }),
          ' ',
          h(
            'a',
            {
              class: 'button',
              href: `#/runs/custom?from=${r.id}&field=${encodeURIComponent(r.failureField)}`,
              'data-testid': 'change-field',
            },
            t('run.changeField', { field: label }),
          ),
        ),
      ];
    });
  }

  function showAdvice(r: Run) {
    if (r.evaluation && !report.hasChildNodes())
      report.replaceChildren(evaluationView(r.evaluation, r.datasetId, r.onnxAvailable ? r.id : null));
    // Evidence changes most epochs while a rule holds: it is written into the shown cards instead.
    const cards = suggestions.map(({ evidence: _evidence, updatedAt: _updatedAt, ...card }) => card);
    const shown = [cards, r.id, r.state, r.recipe, r.autopilot, r.autopilotNote, r.teamId, labelsLoaded, lang()];
    advice.show(shown, () => [
      r.autopilotNote
        ? h('p', { class: 'card autopilot', 'data-testid': 'autopilot' }, r.autopilotNote)
        : r.autopilot > 0
          ? h(
              'p',
              { class: 'card autopilot', 'data-testid': 'autopilot' },
              t('run.autopilotOn', { runs: plural('run.moreRuns', r.autopilot) }),
            )
          : null,
      suggestionsView(r, suggestions),
    ]);
    updateEvidence(advice.element, suggestions);
  }

  function showActions(r: Run) {
    const canCancel = !TERMINAL.includes(r.state) && r.state !== 'cancelling' && mayChange(r);
    actions.show([r.id, canCancel, r.lastStep > 0, r.parentId, r.modelAvailable, lang()], () => actionButtons(r, canCancel));
  }

  function actionButtons(r: Run, canCancel: boolean): HTMLElement[] {
    const buttons: HTMLElement[] = [];
    if (canCancel) {
      const cancel = h('button', { class: 'danger', 'data-testid': 'cancel-run' }, t('run.cancel'));
      cancel.addEventListener('click', async () => {
        try {
          render(await api.cancelRun(r.id));
        } catch (err) {
          showActionError(err instanceof ApiError ? err.message : String(err));
        }
      });
      buttons.push(cancel);
    }
    if (r.lastStep > 0) {
      buttons.push(
        h('a', { class: 'button secondary', href: `/api/runs/${r.id}/metrics/export?format=csv`, download: '' }, t('run.exportCsv')),
        h('a', { class: 'button secondary', href: `/api/runs/${r.id}/metrics/export?format=json`, download: '' }, t('run.exportJson')),
      );
    }
    if (r.parentId !== null) {
      buttons.push(
        h(
          'a',
          { class: 'button secondary', href: `#/compare?runs=${r.parentId},${r.id}`, 'data-testid': 'compare-parent' },
          t('run.compareParent'),
        ),
      );
    }
    if (r.modelAvailable) {
      buttons.push(h('a', { class: 'button', href: `/api/runs/${r.id}/model`, download: '' }, t('run.download')));
    }
    return buttons;
  }

  const modelUse = h('div', {});
  let modelUseFor = '';

  async function showLineage(r: Run) {
    const key = `${r.id}/${r.state}`;
    if (r.parentId === null || key === lineageFor) return;
    lineageFor = key;
    try {
      const [parent, parentAdvice] = await Promise.all([api.run(r.parentId), api.suggestions(r.parentId)]);
      const view = lineageView(r, parent, parentAdvice.find((s) => s.id === r.suggestionId) ?? null);
      lineage.replaceChildren(...(view ? [view] : []));
    } catch {
      lineageFor = '';
    }
  }

  // The autopilot's series, read again whenever this run's state or the autopilot's note changes.
  const story = h('div', {});
  let storyFor = '';
  async function showStory(r: Run) {
    const key = `${r.id}/${r.state}/${r.autopilotNote}/${lang()}`;
    if ((r.autopilot === 0 && !r.autopilotChild) || key === storyFor) return;
    storyFor = key;
    try {
      const told = await api.autopilotStory(r.id);
      const view = autopilotStoryView(told, r.id);
      story.replaceChildren(...(view ? [view] : []));
      // Follow-up runs train elsewhere: look again while one is unfinished and this page is open.
      if (told.steps.some((s) => s.gain === null && s.state !== 'failed' && s.state !== 'cancelled')) {
        setTimeout(() => {
          if (story.isConnected && run) {
            storyFor = '';
            showStory(run);
          }
        }, 10_000);
      }
    } catch {
      storyFor = '';
    }
  }

  mount(
    root,
    h('div', { class: 'title-row' }, title, state),
    connection,
    h('section', { class: 'card' }, progressBar, progressText, facts.element, actionError, message, actions.element),
    modelUse,
    attemptsView,
    review,
    lineage,
    story,
    advice.element,
    h(
      'section',
      { class: 'charts' },
      ...charts.map(({ chart }) =>
        chart === smoothedChart.chart
          ? h('div', {}, chart.element, h('label', { for: 'smoothing' }, `${t('run.smoothing')} `), smoothing)
          : chart.element,
      ),
    ),
    report,
  );

  // The preset's own fields, to tell what the person changed before launch.
  api
    .presets()
    .then((list) => {
      presets = list;
      if (run) render(run);
    })
    .catch(() => {
      /* the preset line stays without them */
    });
  // The names of pretrained weights, for the "Starts from" line.
  api
    .pretrained()
    .then((list) => {
      pretrainedNames = new Map(list.map((w) => [w.key, w.name]));
      if (run) render(run);
    })
    .catch(() => {
      /* the key is shown instead */
    });

  /** Which stage of a two-stage fine-tune (T14) the run is in, while it trains. */
  function stageText(r: Run, epoch: number): string {
    const head = Number(r.recipe.headOnlyEpochs);
    if (head === 0 || TERMINAL.includes(r.state) || r.state === 'queued') return '';
    if (head >= r.totalEpochs) return ` · ${t(r.recipe.storedFeatures ? 'run.stage.headOnlyStored' : 'run.stage.headOnly')}`;
    return ` · ${epoch <= head ? t(r.recipe.storedFeatures ? 'run.stage.headStored' : 'run.stage.head') : t('run.stage.all')}`;
  }

  /**
   * Where the weights started (T13), at what size, and the stages (T14): e.g. "ResNet-18, ImageNet
   * at 112 px; the head alone, on stored features".
   */
  function startLine(r: Run): string {
    const recipe = r.recipe;
    const weights = String(recipe.initialWeights);
    const from =
      weights === 'pretrained'
        ? t('run.start.pretrained', { name: pretrainedNames.get(String(recipe.pretrainedWeights)) ?? String(recipe.pretrainedWeights) })
        : weights === 'run'
          ? t('run.start.run', { id: String(recipe.initialRunId) })
          : weights === 'backbone'
            ? t('run.start.backbone', { id: String(recipe.backboneId) })
            : t('run.start.random');
    const head = Number(recipe.headOnlyEpochs);
    const stages =
      head === 0
        ? ''
        : head >= Number(recipe.epochs)
          ? t(recipe.storedFeatures ? 'run.start.headOnlyStored' : 'run.start.headOnly')
          : t(recipe.storedFeatures ? 'run.start.headFirstStored' : 'run.start.headFirst', { epochs: head });
    return [t('run.start.size', { from, size: String(recipe.inputSize) }), stages].filter((x) => x).join('; ');
  }

  // Suggestions name recipe fields by their labels once the catalogue is loaded.
  labelsReady().then(() => {
    labelsLoaded = true;
    if (run) render(run);
  });

  const live = new RunLive(runId, {
    run: render,
    metric: onMetric,
    suggestions: (list) => {
      suggestions = list;
      if (run) render(run);
    },
    connection: (up) => (connection.textContent = run && TERMINAL.includes(run.state) ? '' : up ? t('run.live') : t('run.reconnecting')),
    error: (m) => showActionError(m),
  });
  const ticker = setInterval(() => run && !TERMINAL.includes(run.state) && progress(run), 1000);
  return () => {
    clearInterval(ticker);
    live.close();
  };
}

const ENDINGS: Record<string, MessageKey> = {
  succeeded: 'attempt.ending.succeeded',
  failed: 'agent.ending.failed',
  cancelled: 'attempt.ending.cancelled',
  requeued: 'attempt.ending.requeued',
  retried_smaller: 'attempt.ending.retriedSmaller',
};

const CAUSES: Record<string, MessageKey> = {
  infrastructure: 'attempt.cause.infrastructure',
  out_of_memory: 'attempt.cause.outOfMemory',
  recipe: 'attempt.cause.recipe',
};

/** One attempt in plain words: who ran it, from where, how it ended and why. */
function attemptLine(a: RunAttempt): HTMLElement {
  const time = (iso: string) => new Date(iso).toLocaleTimeString(lang());
  const from = a.resumedFromEpoch > 0 ? t('attempt.resumed', { epoch: a.resumedFromEpoch }) : t('attempt.fromStart');
  const span = `${time(a.startedAt)}${a.endedAt ? `–${time(a.endedAt)}` : t('attempt.running')}`;
  const ending = a.outcome ? (ENDINGS[a.outcome] ? t(ENDINGS[a.outcome]) : a.outcome) : t('attempt.inProgress');
  const cause =
    a.failureClass && a.outcome !== 'succeeded' ? ` (${CAUSES[a.failureClass] ? t(CAUSES[a.failureClass]) : a.failureClass})` : '';
  return h(
    'li',
    { 'data-outcome': a.outcome ?? 'running' },
    h('strong', {}, t('attempt.agent', { id: a.agentId ?? '?' })),
    ` · ${span} · ${from} · ${ending}${cause}`,
    a.reason && a.outcome !== 'succeeded' ? h('span', { class: 'hint' }, `: ${a.reason}`) : null,
  );
}

/** "cpu()" and "gpu(0)" as people say them. */
export function plainDevice(device: string | null): string {
  if (!device) return '—';
  return device
    .split(/,\s*/)
    .map((d) => d.replace(/^cpu\(\)$/, t('device.cpu')).replace(/^gpu\((\d+)\)$/, (_m, i) => t('device.gpu', { n: Number(i) + 1 })))
    .join(', ');
}

function fact(term: string, value: string | HTMLElement): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, value)];
}

/**
 * The preset the run started from, what Kiln changed for its dataset (T6, T8, T10, T13, T17) and
 * what the person changed themselves (compared with the preset's own fields, once they are loaded).
 */
function adjustmentsView(r: Run, preset: Preset | undefined): HTMLElement {
  const a = r.adjustments!;
  const line = (x: { field: string; from: unknown; to: unknown; trickId: string; why: string }) =>
    h('li', { title: x.field }, `${fieldLabel(x.field)}: ${x.from} → ${x.to} (${x.trickId}): ${x.why}`);
  const adjusted = new Set(a.applied.map((x) => x.field));
  const changed = preset
    ? Object.entries(preset.fields).filter(([k, v]) => !adjusted.has(k) && JSON.stringify(r.recipe[k]) !== JSON.stringify(v))
    : [];
  return h(
    'div',
    { 'data-testid': 'run-preset' },
    a.presetName,
    a.applied.length ? h('ul', { class: 'adjustments' }, ...a.applied.map(line)) : null,
    changed.length
      ? h(
          'p',
          { class: 'hint', 'data-testid': 'run-preset-changed' },
          t('run.changedBeforeLaunch') +
            changed.map(([k, v]) => `${fieldLabel(k)} ${JSON.stringify(v)} → ${JSON.stringify(r.recipe[k])}`).join(', '),
        )
      : !a.applied.length && preset
        ? t('run.usedAsIs')
        : null,
    a.undone.length ? h('p', { class: 'hint' }, t('run.undone', { fields: a.undone.map((x) => fieldLabel(x.field)).join(', ') })) : null,
  );
}
