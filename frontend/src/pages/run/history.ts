import { api, type Run } from '../../api';
import { lineageView } from '../../advice';
import { autopilotStoryView } from '../../autopilot';
import { h } from '../../dom';
import { lang } from '../../i18n';

/** What this run came from (its parent and the suggestion applied), read again when its state changes. */
export class RunLineage {
  readonly element = h('div', {});
  private shown = '';

  async show(r: Run) {
    const key = `${r.id}/${r.state}`;
    if (r.parentId === null || key === this.shown) return;
    this.shown = key;
    try {
      const [parent, parentAdvice] = await Promise.all([api.run(r.parentId), api.suggestions(r.parentId)]);
      const view = lineageView(r, parent, parentAdvice.find((s) => s.id === r.suggestionId) ?? null);
      this.element.replaceChildren(...(view ? [view] : []));
    } catch {
      this.shown = '';
    }
  }
}

/** The autopilot's series, read again whenever this run's state or the autopilot's note changes. */
export class RunStory {
  readonly element = h('div', {});
  private shown = '';
  private latest: Run | null = null;

  async show(r: Run) {
    this.latest = r;
    const key = `${r.id}/${r.state}/${r.autopilotNote}/${lang()}`;
    if ((r.autopilot === 0 && !r.autopilotChild) || key === this.shown) return;
    this.shown = key;
    try {
      const told = await api.autopilotStory(r.id);
      const view = autopilotStoryView(told, r.id);
      this.element.replaceChildren(...(view ? [view] : []));
      // Follow-up runs train elsewhere: look again while one is unfinished and this page is open.
      if (told.steps.some((s) => s.gain === null && s.state !== 'failed' && s.state !== 'cancelled')) {
        setTimeout(() => {
          if (this.element.isConnected && this.latest) {
            this.shown = '';
            this.show(this.latest);
          }
        }, 10_000);
      }
    } catch {
      this.shown = '';
    }
  }
}
