import { api, ApiError, type Run } from '../../api';
import { h, Section } from '../../dom';
import { lang, t } from '../../i18n';
import { mayChange } from '../../session';
import { TERMINAL } from './terminal';

/**
 * Cancel, export the curves, compare with the parent, download the model. Rebuilt only when which
 * buttons apply changes, so a focused Cancel survives live points (issue 31).
 */
export class RunActions {
  private readonly section = new Section(h('div', { class: 'actions' }));
  readonly element = this.section.element;
  /** Errors of this page's own actions (cancel, the live feed), apart from the run's failure reason. */
  readonly error = h('p', { class: 'error', role: 'alert', 'data-testid': 'action-error', hidden: true });

  /** @param changed takes the run as an action left it */
  constructor(private readonly changed: (r: Run) => void) {}

  showError(text: string) {
    this.error.textContent = text;
    this.error.hidden = !text;
  }

  show(r: Run) {
    const canCancel = !TERMINAL.includes(r.state) && r.state !== 'cancelling' && mayChange(r);
    this.section.show([r.id, canCancel, r.lastStep > 0, r.parentId, r.modelAvailable, lang()], () => this.buttons(r, canCancel));
  }

  private buttons(r: Run, canCancel: boolean): HTMLElement[] {
    const buttons: HTMLElement[] = [];
    if (canCancel) {
      const cancel = h('button', { class: 'danger', 'data-testid': 'cancel-run' }, t('run.cancel'));
      cancel.addEventListener('click', async () => {
        try {
          this.changed(await api.cancelRun(r.id));
        } catch (err) {
          this.showError(err instanceof ApiError ? err.message : String(err));
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
}
