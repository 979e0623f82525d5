import { formatDateTime, t, type MessageKey } from '../i18n';
// The audit log for admins: who did what, filtered by person, action and time; the filter is in the URL.
import { api } from '../api';
import { h, mount } from '../dom';

export async function auditPage(root: HTMLElement, query: URLSearchParams): Promise<void> {
  const [actions, entries] = await Promise.all([api.auditActions(), api.audit(query)]);
  const actor = h('input', {
    type: 'text',
    placeholder: t('audit.who'),
    'aria-label': t('audit.who'),
    value: query.get('actor') ?? '',
  }) as HTMLInputElement;
  const action = h(
    'select',
    { 'aria-label': t('audit.action') },
    h('option', { value: '' }, t('audit.anyAction')),
    ...actions.map((a) => h('option', { value: a, selected: a === query.get('action') }, actionName(a))),
  ) as HTMLSelectElement;
  const since = h('input', {
    type: 'date',
    'aria-label': t('audit.since'),
    value: (query.get('since') ?? '').slice(0, 10),
  }) as HTMLInputElement;
  const apply = h('button', {}, t('audit.filter'));
  apply.addEventListener('click', () => {
    const p = new URLSearchParams();
    if (actor.value.trim()) p.set('actor', actor.value.trim());
    if (action.value) p.set('action', action.value);
    if (since.value) p.set('since', `${since.value}T00:00:00Z`);
    location.hash = `#/audit${p.toString() ? `?${p}` : ''}`;
  });
  mount(
    root,
    h('h1', {}, t('audit.title')),
    h('div', { class: 'filters' }, actor, action, since, apply),
    h(
      'table',
      { class: 'runs', 'aria-label': t('audit.title') },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...(['audit.when', 'audit.who', 'audit.action', 'audit.what', 'audit.details', 'audit.from'] as const).map((k) =>
            h('th', {}, t(k)),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...entries.map((e) =>
          h(
            'tr',
            { 'data-action': e.action },
            h('td', {}, formatDateTime(e.at)),
            h('td', { translate: 'no' }, e.actor),
            h('td', { title: e.action }, actionName(e.action)),
            // Targets are identifiers (linked where there is a page); details are the server's English log line.
            h('td', { translate: 'no' }, targetView(e.target)),
            h('td', { lang: 'en' }, e.detail ?? ''),
            h('td', {}, e.address ?? ''),
          ),
        ),
      ),
    ),
    entries.length ? null : h('p', { class: 'hint' }, t('audit.none')),
  );
}

/** The action in the reader's words ("Launched a run"), or its identifier if it is new to this page. */
function actionName(action: string): string {
  const key = `audit.action.${action}` as MessageKey;
  const name = t(key);
  return name === key ? action : name;
}

/** "run 12" and "agent 3" link to their pages; other targets are shown as they are. */
function targetView(target: string | null): Node | string {
  const m = /^(run|agent) (\d+)$/.exec(target ?? '');
  return m ? h('a', { href: `#/${m[1]}s/${m[2]}` }, target!) : (target ?? '');
}
