import { plural, t } from './i18n';
import type { Finding } from './api';
import { h } from './dom';

const ICONS: Record<string, string> = { error: '⛔', warning: '⚠️', info: 'ℹ️' };

/** Validation findings: what was noticed, what Kiln did, what the user can do, the files concerned. */
export function findingsView(findings: Finding[]): HTMLElement {
  if (findings.length === 0) {
    return h('p', { class: 'hint', 'data-testid': 'findings' }, t('findings.none'));
  }
  return h(
    'ul',
    { class: 'findings', 'data-testid': 'findings' },
    ...findings.map((f) =>
      h(
        'li',
        {
          class: `finding severity-${f.severity}`,
          'data-kind': f.kind,
        },
        h('strong', {}, `${ICONS[f.severity] ?? ''} ${f.message}`),
        h('div', {}, h('span', { class: 'label' }, t('findings.kiln')), f.action),
        // Advice that starts with "nothing to do" is a reassurance, not a task.
        /^(nothing to do|无需处理)/i.test(f.advice)
          ? h('div', { class: 'hint' }, f.advice.charAt(0).toUpperCase() + f.advice.slice(1) + '.')
          : h('div', {}, h('span', { class: 'label' }, t('findings.youCan')), f.advice),
        f.files.length
          ? h(
              'details',
              {},
              h('summary', {}, plural('findings.files', f.fileCount)),
              h(
                'ul',
                { class: 'files' },
                ...f.files.map((name) => h('li', {}, h('code', {}, name))),
                ...(f.fileCount > f.files.length ? [h('li', {}, t('findings.more', { n: f.fileCount - f.files.length }))] : []),
              ),
            )
          : null,
      ),
    ),
  );
}
