// Tiny DOM helpers: build elements without a framework, always escaping text.
import { t, type MessageKey } from './i18n';

type Attrs = Record<string, string | number | boolean | undefined | ((e: Event) => void)>;

export function h(tag: string, attrs: Attrs = {}, ...children: (Node | string | null | undefined)[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(key.replace(/^on/, '').toLowerCase(), value);
    else if (value === true) el.setAttribute(key, '');
    // Through the CSSOM: the Content-Security-Policy (style-src 'self') refuses style attributes.
    else if (key === 'style') el.style.cssText = String(value);
    else el.setAttribute(key, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

export function mount(root: HTMLElement, ...children: (Node | null)[]) {
  root.replaceChildren(...children.filter((c): c is Node => c !== null));
}

export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;
}

export function formatDuration(seconds: number): string {
  if (!isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function stateBadge(state: string): HTMLElement {
  const key = `state.${state}` as MessageKey;
  return h('span', { class: `badge state-${state}`, 'data-testid': 'run-state', 'data-state': state }, t(key));
}

/**
 * A part of a page that is rebuilt only when the data it shows changes: other updates (a metric
 * point, the clock) leave its nodes alone, so focus, selection and scroll inside it survive.
 */
export class Section {
  private shown: string | null = null;

  constructor(readonly element: HTMLElement = h('div', {})) {}

  /** Rebuilds the section from {@code build} when {@code data} differs from what it shows. */
  show(data: unknown, build: () => (Node | null)[]): void {
    const key = JSON.stringify(data);
    if (key === this.shown) return;
    this.element.replaceChildren(...build().filter((n): n is Node => n !== null));
    this.shown = key; // only once built: a build that throws is tried again next time
  }
}

/**
 * Gives every body cell of the tables under {@code root} its column's name ({@code data-label}),
 * now and whenever rows are added, so that on a phone each row is drawn as a card of labelled
 * values (style.css) instead of a table squeezed a letter wide.
 */
export function labelTableCells(root: HTMLElement): void {
  const label = () => {
    root.querySelectorAll('table').forEach((table) => {
      const names = [...table.querySelectorAll('thead th')].map((th) => th.textContent?.trim() ?? '');
      if (names.length === 0) return;
      table.querySelectorAll('tbody tr').forEach((row) => {
        [...row.children].forEach((cell, i) => {
          if (names[i] && cell.getAttribute('data-label') !== names[i]) cell.setAttribute('data-label', names[i]);
        });
      });
    });
  };
  label();
  new MutationObserver(label).observe(root, { childList: true, subtree: true });
}
