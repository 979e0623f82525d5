import type { Run } from '../../api';
import { h, Section } from '../../dom';
import { fieldLabel } from '../../evidence';
import { lang, t } from '../../i18n';

/** Why the run failed; for a settings problem, a link that opens the form with that field marked. */
export class RunFailure {
  private readonly section = new Section(h('div', { class: 'error', role: 'alert', 'data-testid': 'run-message' }));
  readonly element = this.section.element;

  show(r: Run) {
    this.section.show([r.failureReason, r.state, r.failureField, lang()], () => {
      if (!r.failureReason || r.state === 'succeeded') return [];
      if (r.state !== 'failed' || !r.failureField) return [document.createTextNode(r.failureReason)];
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
}
