// The person's notices (issue 35): runs that ended, reviews asked of them or decided for them,
// worded in their language from each event's facts; opening the page marks them read.
import { api, type Notice } from '../api';
import { formatPercent, h, mount } from '../dom';
import { formatDateTime, t, type MessageKey } from '../i18n';

/** One notice in words, with a link to its run. */
export function noticeText(n: Notice): string {
  const p = n.payload as {
    run?: { id: number; name: string; bestValAccuracy: number | null; failureReason: string | null };
    request?: { by: string; note: string };
    review?: { decision: string; comment: string; by: string };
    check?: { dataset: string; state: string; issues: number; reason: string | null };
    agent?: { id: number; name: string };
    best?: { id: number; name: string; bestValAccuracy: number | null };
    by?: string;
  };
  const run = p.run ?? { id: n.runId ?? 0, name: '', bestValAccuracy: null, failureReason: null };
  const params = {
    id: run.id,
    name: run.name,
    accuracy: formatPercent(run.bestValAccuracy),
    reason: run.failureReason ?? '',
    by: p.request?.by ?? p.review?.by ?? p.by ?? n.actor ?? '',
    dataset: p.check?.dataset ?? '',
    issues: p.check?.issues ?? 0,
    agent: p.agent ? `#${p.agent.id} ${p.agent.name}` : '',
    best: p.best ? `#${p.best.id} “${p.best.name}”` : '',
    bestAccuracy: formatPercent(p.best?.bestValAccuracy ?? null),
    note: p.request?.note ? `: “${p.request.note}”` : '',
    decision: p.review ? t(`notice.decision.${p.review.decision}` as MessageKey) : '',
    comment: p.review?.comment ? `: “${p.review.comment}”` : '',
  };
  const failedCheck = n.kind === 'label-check-finished' && p.check?.state !== 'succeeded';
  if (failedCheck) return t('notice.label-check-ended', { dataset: params.dataset, reason: p.check?.reason ?? p.check?.state ?? '' });
  const key = `notice.${n.kind}` as MessageKey;
  return t(key, params) === key ? t('notice.other', { kind: n.kind }) : t(key, params);
}

function linked(n: Notice): HTMLElement | string {
  const href = link(n);
  return href ? h('a', { href }, noticeText(n)) : noticeText(n);
}

/** Where the notice leads: its run, dataset or agent page. */
function link(n: Notice): string | null {
  const path = (n.payload as { path?: string }).path;
  return path ? path.replace(/^\//, '') : n.runId ? `#/runs/${n.runId}` : null;
}

export async function notificationsPage(root: HTMLElement): Promise<void> {
  const notices = await api.notices();
  const list = notices.length
    ? h(
        'ul',
        { class: 'notices', 'data-testid': 'notices' },
        ...notices.map((n) =>
          h(
            'li',
            { class: n.read ? 'read' : 'unread', 'data-kind': n.kind },
            h('span', { class: 'hint' }, formatDateTime(n.createdAt)),
            ' ',
            linked(n),
          ),
        ),
      )
    : h('p', { class: 'card hint' }, t('notices.empty'));
  mount(root, h('h1', {}, t('notices.title')), list);
  if (notices.some((n) => !n.read)) {
    await api.readNotices(notices.filter((n) => !n.read).map((n) => n.id));
    window.dispatchEvent(new Event('kiln:notices'));
  }
}
