import { describe, expect, it } from 'vitest';
import { h, labelTableCells, Section } from '../src/dom';

describe('a page section', () => {
  it('rebuilds only when its data changes, so a focused button keeps focus', () => {
    const section = new Section();
    document.body.append(section.element);
    let builds = 0;
    const build = () => {
      builds++;
      return [h('button', { 'data-testid': 'apply' }, 'Apply')];
    };
    section.show({ state: 'running', suggestions: [1] }, build);
    const button = section.element.querySelector('button')!;
    button.focus();
    for (let second = 0; second < 10; second++) section.show({ state: 'running', suggestions: [1] }, build);
    expect(builds).toBe(1);
    expect(document.activeElement).toBe(button);

    section.show({ state: 'succeeded', suggestions: [1] }, build);
    expect(builds).toBe(2);
    expect(section.element.querySelector('button')).not.toBe(button);
  });

  it('tries again after a build that failed', () => {
    const section = new Section();
    expect(() =>
      section.show(1, () => {
        throw new Error('not yet');
      }),
    ).toThrow();
    section.show(1, () => [h('p', {}, 'built')]);
    expect(section.element.textContent).toBe('built');
  });
});

describe('tables on a phone', () => {
  it('label every cell with its column, also for rows added later', async () => {
    const root = h('div', {});
    const body = h('tbody', {}, h('tr', {}, h('td', {}, '#1'), h('td', {}, 'running')));
    root.append(h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Run'), h('th', {}, 'State'))), body));
    labelTableCells(root);
    expect([...root.querySelectorAll('td')].map((td) => td.getAttribute('data-label'))).toEqual(['Run', 'State']);
    body.append(h('tr', {}, h('td', {}, '#2'), h('td', {}, 'queued')));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(body.lastElementChild!.lastElementChild!.getAttribute('data-label')).toBe('State');
  });
});
