// A team's webhooks (leads and admins, issue 35): where Kiln posts its events, signed with a
// secret, as Kiln's JSON or a Slack message; a test button and each webhook's delivery log.
import { api, ApiError, type Webhook, type WebhookDelivery } from '../api';
import { h, mount } from '../dom';
import { formatDateTime, t, type MessageKey } from '../i18n';
import { currentUser } from '../session';

export async function webhooksPage(root: HTMLElement): Promise<void> {
  const me = currentUser()!;
  const kinds = await api.webhookKinds();
  // An admin may add a webhook to any team; a lead to their own.
  const teams = me.role === 'admin' ? await api.teams() : me.teams;
  const list = h('div', { 'data-testid': 'webhooks' });
  const status = h('p', { role: 'status', 'aria-live': 'polite', 'data-testid': 'webhook-status' });

  const url = h('input', {
    id: 'webhook-url',
    type: 'url',
    required: true,
    placeholder: 'https://hooks.example.com/kiln',
    size: 40,
  }) as HTMLInputElement;
  const team = h(
    'select',
    { id: 'webhook-team' },
    ...teams.map((x) => h('option', { value: x.id, selected: x.id === me.defaultTeamId }, x.name)),
  ) as HTMLSelectElement;
  const format = h(
    'select',
    { id: 'webhook-format' },
    h('option', { value: 'kiln' }, t('webhooks.format.kiln')),
    h('option', { value: 'slack' }, t('webhooks.format.slack')),
  ) as HTMLSelectElement;
  const boxes = kinds.map((k) => ({ k, box: h('input', { type: 'checkbox', id: `kind-${k}`, checked: true }) as HTMLInputElement }));
  const allowPrivate = h('input', { type: 'checkbox', id: 'webhook-private' }) as HTMLInputElement;
  const add = h('button', { type: 'submit', 'data-testid': 'add-webhook' }, t('webhooks.add'));
  const form = h(
    'form',
    { class: 'card' },
    h('h2', {}, t('webhooks.new')),
    h('label', { for: 'webhook-url' }, t('webhooks.url')),
    url,
    ...(teams.length > 1 ? [h('label', { for: 'webhook-team' }, t('webhooks.team')), team] : []),
    h('label', { for: 'webhook-format' }, t('webhooks.format')),
    format,
    h(
      'fieldset',
      {},
      h('legend', {}, t('webhooks.kinds')),
      ...boxes.map(({ k, box }) => h('label', { for: `kind-${k}`, class: 'inline' }, box, ` ${t(`event.${k}` as MessageKey)}`)),
    ),
    me.role === 'admin' ? h('label', { for: 'webhook-private', class: 'inline' }, allowPrivate, ` ${t('webhooks.allowPrivate')}`) : null,
    add,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    status.textContent = '';
    try {
      await api.createWebhook({
        teamId: teams.length > 1 ? Number(team.value) : (teams[0]?.id ?? null),
        url: url.value.trim(),
        format: format.value as 'kiln' | 'slack',
        kinds: boxes.filter((b) => b.box.checked).map((b) => b.k),
        allowPrivate: allowPrivate.checked,
      });
      url.value = '';
      status.textContent = t('webhooks.added');
      await refresh();
    } catch (err) {
      status.textContent = err instanceof ApiError ? err.message : String(err);
    }
  });

  async function refresh() {
    const hooks = await api.webhooks();
    list.replaceChildren(...(hooks.length ? hooks.map(card) : [h('p', { class: 'hint' }, t('webhooks.none'))]));
  }

  function card(w: Webhook): HTMLElement {
    const log = h('div', {});
    const test = h('button', { class: 'secondary', 'data-testid': `test-webhook-${w.id}` }, t('webhooks.test'));
    const remove = h('button', { class: 'danger' }, t('webhooks.delete'));
    const counts = h('p', { 'data-testid': 'webhook-counts' }, countsText(w));
    const showLog = async () => {
      log.replaceChildren(deliveriesTable(await api.webhookDeliveries(w.id)));
      const now = (await api.webhooks()).find((x) => x.id === w.id);
      if (now) counts.textContent = countsText(now);
    };
    test.addEventListener('click', async () => {
      try {
        await api.testWebhook(w.id);
        status.textContent = t('webhooks.testSent');
        // The worker sends it within a second or two; show the log as it stands then.
        setTimeout(() => showLog().catch(() => {}), 2000);
      } catch (err) {
        status.textContent = err instanceof ApiError ? err.message : String(err);
      }
    });
    remove.addEventListener('click', async () => {
      if (!confirm(t('webhooks.deleteConfirm', { url: w.url }))) return;
      try {
        await api.deleteWebhook(w.id);
        await refresh();
      } catch (err) {
        status.textContent = err instanceof ApiError ? err.message : String(err);
      }
    });
    const details = h('details', {}, h('summary', {}, t('webhooks.log')), log) as HTMLDetailsElement;
    details.addEventListener('toggle', () => details.open && showLog().catch(() => {}));
    return h(
      'section',
      { class: 'card', 'data-testid': `webhook-${w.id}` },
      h('h2', {}, w.url),
      h(
        'p',
        {},
        t(w.format === 'slack' ? 'webhooks.format.slack' : 'webhooks.format.kiln'),
        ' · ',
        w.kinds.map((k) => t(`event.${k}` as MessageKey)).join(', '),
      ),
      counts,
      h('p', { class: 'hint' }, t('webhooks.secret'), ' ', h('code', {}, w.secret)),
      h('div', { class: 'actions' }, test, remove),
      details,
    );
  }

  const failures = h('div', {});
  mount(root, h('h1', {}, t('webhooks.title')), h('p', { class: 'hint' }, t('webhooks.intro')), form, status, list, failures);
  await refresh();
  if (me.role === 'admin') failures.replaceChildren(failedView(await api.failedDeliveries()));
}

/** For admins: what failed for good, every team's webhooks and everyone's e-mail. */
function failedView(rows: Awaited<ReturnType<typeof api.failedDeliveries>>): HTMLElement {
  return h(
    'section',
    { class: 'card', 'data-testid': 'failed-deliveries' },
    h('h2', {}, t('webhooks.failed.title')),
    rows.length
      ? h(
          'table',
          { class: 'runs' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', {}, t('webhooks.col.when')),
              h('th', {}, t('webhooks.col.event')),
              h('th', {}, t('webhooks.failed.target')),
              h('th', {}, t('webhooks.col.tries')),
              h('th', {}, t('webhooks.col.answer')),
            ),
          ),
          h(
            'tbody',
            {},
            ...rows.map((d) =>
              h(
                'tr',
                {},
                h('td', {}, formatDateTime(d.createdAt)),
                h('td', {}, t(`event.${d.kind}` as MessageKey)),
                h('td', {}, d.target),
                h('td', {}, String(d.attempts)),
                h('td', {}, d.status !== null ? String(d.status) : (d.error ?? '—')),
              ),
            ),
          ),
        )
      : h('p', { class: 'hint' }, t('webhooks.failed.none')),
  );
}

function countsText(w: Webhook): string {
  return t('webhooks.counts', { delivered: w.delivered, pending: w.pending, failed: w.failed });
}

function deliveriesTable(rows: WebhookDelivery[]): HTMLElement {
  if (!rows.length) return h('p', { class: 'hint' }, t('webhooks.noDeliveries'));
  return h(
    'table',
    { class: 'runs', 'data-testid': 'deliveries' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, t('webhooks.col.when')),
        h('th', {}, t('webhooks.col.event')),
        h('th', {}, t('webhooks.col.state')),
        h('th', {}, t('webhooks.col.tries')),
        h('th', {}, t('webhooks.col.answer')),
      ),
    ),
    h(
      'tbody',
      {},
      ...rows.map((d) =>
        h(
          'tr',
          { 'data-state': d.state },
          h('td', {}, formatDateTime(d.createdAt)),
          h('td', {}, t(`event.${d.kind}` as MessageKey)),
          h('td', {}, t(`webhooks.state.${d.state}` as MessageKey)),
          h('td', {}, String(d.attempts)),
          h('td', {}, d.status !== null ? `${d.status}${d.millis !== null ? ` · ${d.millis} ms` : ''}` : (d.error ?? '—')),
        ),
      ),
    ),
  );
}
