// The run page: each part is a section of its own (facts, failure, actions, advice, charts, ...)
// that rebuilds from the slice of the run it shows, only when that slice changes; this file only
// wires them to the live feed and lays them out.
import { api, type Run } from '../../api';
import { h, mount, stateBadge } from '../../dom';
import { labelsReady } from '../../evidence';
import { t } from '../../i18n';
import { RunLive } from '../../live';
import { reviewView } from '../../review';
import { modelUseView } from '../modelUse';
import { RunActions } from './actions';
import { RunAdvice } from './advice';
import { RunAttempts } from './attempts';
import { RunCurves } from './curves';
import { RunFacts } from './facts';
import { RunFailure } from './failure';
import { RunLineage, RunStory } from './history';
import { RunProgress } from './progress';
import { TERMINAL } from './terminal';

/** The live view of one run: status, progress, curves and advice. Returns a cleanup that closes the socket. */
export function runPage(root: HTMLElement, runId: number): () => void {
  const title = h('h1', {}, `Run #${runId}`);
  const state = h('span', {});
  const connection = h('span', { class: 'connection', 'data-testid': 'connection' }, 'connecting…');
  const progress = new RunProgress();
  const facts = new RunFacts(progress.speed);
  const failure = new RunFailure();
  const actions = new RunActions((r) => render(r));
  const attempts = new RunAttempts();
  const lineage = new RunLineage();
  const story = new RunStory();
  const advice = new RunAdvice();
  const curves = new RunCurves();
  const review = h('div', {});
  const modelUse = h('div', {});
  let reviewShown = '';
  let modelUseShown = '';
  let run: Run | null = null;

  function render(r: Run) {
    run = r;
    if (curves.rewind(r)) progress.rewindTo(r.checkpointEpoch * r.stepsPerEpoch, r.checkpointEpoch);
    attempts.show(r);
    title.textContent = t('run.title', { id: r.id, name: r.name });
    // A finished run is not "live": nothing more will come.
    if (TERMINAL.includes(r.state)) connection.textContent = '';
    if (state.firstElementChild?.getAttribute('data-state') !== r.state) state.replaceChildren(stateBadge(r.state));
    progress.show(r);
    facts.show(r);
    failure.show(r);
    advice.show(r);
    lineage.show(r);
    story.show(r);
    const reviewKey = JSON.stringify([r.state, r.review, r.reviewRequest, r.tags, r.remarks, r.archivedAt]);
    if (reviewKey !== reviewShown) {
      reviewShown = reviewKey;
      review.replaceChildren(reviewView(r, render));
    }
    actions.show(r);
    const useKey = `${r.state}/${r.onnxAvailable}`;
    if (r.state === 'succeeded' && r.modelAvailable && useKey !== modelUseShown) {
      modelUseShown = useKey;
      modelUse.replaceChildren(modelUseView(r));
    }
  }
  const again = () => run && render(run);

  mount(
    root,
    h('div', { class: 'title-row' }, title, state),
    connection,
    h('section', { class: 'card' }, progress.bar, progress.text, facts.element, actions.error, failure.element, actions.element),
    modelUse,
    attempts.element,
    review,
    lineage.element,
    story.element,
    advice.element,
    curves.element,
    advice.report,
  );

  api
    .presets()
    .then((list) => {
      facts.presets = list;
      again();
    })
    .catch(() => {
      /* the preset line stays without them */
    });
  api
    .pretrained()
    .then((list) => {
      facts.pretrainedNames = new Map(list.map((w) => [w.key, w.name]));
      again();
    })
    .catch(() => {
      /* the key is shown instead */
    });
  labelsReady().then(() => {
    advice.labelsLoaded = true;
    again();
  });

  const live = new RunLive(runId, {
    run: render,
    metric: (p) => {
      progress.saw(p);
      curves.add(p);
      if (run) progress.show(run);
    },
    suggestions: (list) => {
      advice.suggestions = list;
      again();
    },
    connection: (up) => (connection.textContent = run && TERMINAL.includes(run.state) ? '' : up ? t('run.live') : t('run.reconnecting')),
    error: (m) => actions.showError(m),
  });
  const ticker = setInterval(() => run && !TERMINAL.includes(run.state) && progress.show(run), 1000);
  return () => {
    clearInterval(ticker);
    live.close();
  };
}
