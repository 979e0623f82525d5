// A person's e-mail choices (issue 35): an address, the events they want by e-mail, and the
// language of the mail (the page's language when saved). No address or no event stops e-mail.
import { api, ApiError } from '../api';
import { h } from '../dom';
import { lang, t, type MessageKey } from '../i18n';

export function emailChoicesView(): HTMLElement {
  const card = h('form', { class: 'card narrow', 'data-testid': 'email-choices' }, h('h2', {}, t('email.title')));
  load(card).catch((err) => card.append(h('p', { class: 'error' }, String(err))));
  return card;
}

async function load(card: HTMLElement) {
  const [choice, kinds] = await Promise.all([api.emailChoices(), api.noticeKinds()]);
  if (!choice.available) {
    card.append(h('p', { class: 'hint' }, t('email.unavailable')));
    return;
  }
  const address = h('input', { id: 'email-address', type: 'email', value: choice.email ?? '', autocomplete: 'email' }) as HTMLInputElement;
  const boxes = kinds.map((k) => ({
    k,
    box: h('input', {
      type: 'checkbox',
      id: `email-${k}`,
      checked: choice.email ? choice.kinds.includes(k) : defaults.includes(k),
    }) as HTMLInputElement,
  }));
  const status = h('p', { role: 'status', 'data-testid': 'email-status' });
  card.append(
    h('p', { class: 'hint' }, t('email.intro')),
    h('label', { for: 'email-address' }, t('email.address')),
    address,
    h(
      'fieldset',
      {},
      h('legend', {}, t('email.kinds')),
      ...boxes.map(({ k, box }) => h('label', { for: `email-${k}`, class: 'inline' }, box, ` ${t(`event.${k}` as MessageKey)}`)),
    ),
    h('button', { type: 'submit' }, t('email.save')),
    status,
  );
  card.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const saved = await api.chooseEmail({
        email: address.value.trim(),
        kinds: boxes.filter((b) => b.box.checked).map((b) => b.k),
        language: lang(),
      });
      status.className = 'status';
      status.textContent = saved.email ? t('email.saved', { email: saved.email }) : t('email.stopped');
    } catch (err) {
      status.className = 'error';
      status.textContent = err instanceof ApiError ? err.message : String(err);
    }
  });
}

/** What a person gets by e-mail until they choose: what concerns them most. */
const defaults = ['run-failed', 'review-requested', 'review-decided'];
