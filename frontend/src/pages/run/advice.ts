import type { Run, Suggestion } from '../../api';
import { suggestionsView, updateEvidence } from '../../advice';
import { h, Section } from '../../dom';
import { evaluationView } from '../../evaluation';
import { lang, plural, t } from '../../i18n';

/** The final evaluation (once), the autopilot's line and the live suggestions. */
export class RunAdvice {
  readonly report = h('div', {});
  private readonly section = new Section();
  readonly element = this.section.element;
  suggestions: Suggestion[] = [];
  /** Suggestions name recipe fields by their labels once the catalogue is loaded. */
  labelsLoaded = false;

  show(r: Run) {
    if (r.evaluation && !this.report.hasChildNodes())
      this.report.replaceChildren(evaluationView(r.evaluation, r.datasetId, r.onnxAvailable ? r.id : null));
    // Evidence changes most epochs while a rule holds: it is written into the shown cards instead,
    // so a focused Apply button is not rebuilt.
    const cards = this.suggestions.map(({ evidence: _evidence, updatedAt: _updatedAt, ...card }) => card);
    const shown = [cards, r.id, r.state, r.recipe, r.autopilot, r.autopilotNote, r.teamId, this.labelsLoaded, lang()];
    this.section.show(shown, () => [
      r.autopilotNote
        ? h('p', { class: 'card autopilot', 'data-testid': 'autopilot' }, r.autopilotNote)
        : r.autopilot > 0
          ? h(
              'p',
              { class: 'card autopilot', 'data-testid': 'autopilot' },
              t('run.autopilotOn', { runs: plural('run.moreRuns', r.autopilot) }),
            )
          : null,
      suggestionsView(r, this.suggestions),
    ]);
    updateEvidence(this.element, this.suggestions);
  }
}
