// Pretrained weights (T13): the catalogue's ImageNet networks with whether this server can have
// them, and the weights admins imported. Admins fetch a catalogue file now, ask the source again
// after fixing the network or the mirror, and import a weights file (a torch.save state dict).
import { api, ApiError, type PretrainedView, type Team } from '../api';
import { codeList } from '../glossary';
import { h, mount } from '../dom';
import { formatNumber, t, type MessageKey } from '../i18n';
import { currentUser } from '../session';

export async function pretrainedPage(root: HTMLElement) {
  const admin = currentUser()?.role === 'admin';
  const teams: Team[] = admin ? await api.teams().catch(() => []) : [];
  const list = h('div', { 'data-testid': 'pretrained' });
  const status = h('p', { role: 'status', 'aria-live': 'polite' });

  const show = (weights: PretrainedView[]) => list.replaceChildren(table(weights));
  const fail = (err: unknown) => {
    status.className = 'error';
    status.textContent = err instanceof ApiError ? err.message : String(err);
  };

  /** One card per weights file: cards read on a phone as on a desk, and never break a word. */
  function table(weights: PretrainedView[]): HTMLElement {
    return h(
      'div',
      { class: 'weights-list' },
      ...weights.map((w) => {
        const fetch = h('button', { type: 'button', class: 'small', 'data-testid': `fetch-${w.key}` }, t('pretrained.fetch'));
        fetch.addEventListener('click', async () => {
          fetch.setAttribute('disabled', '');
          status.className = 'status';
          status.textContent = t('pretrained.fetching', { name: w.name });
          try {
            await api.fetchPretrained(w.key);
            status.textContent = t('pretrained.fetched', { name: w.name });
          } catch (err) {
            fail(err);
          }
          show(await api.pretrained());
        });
        return h(
          'article',
          { class: 'card weights', 'data-testid': 'pretrained-row', 'data-key': w.key },
          h('h2', {}, w.name, ' ', h('span', { class: `badge weights-${w.status}` }, t(`pretrained.status.${w.status}` as MessageKey))),
          h('p', { class: 'hint' }, w.detail),
          h(
            'dl',
            { class: 'facts' },
            h('dt', {}, t('pretrained.key')),
            h('dd', {}, h('code', {}, w.key)),
            h('dt', {}, t('pretrained.network')),
            h('dd', {}, w.architecture),
            ...(w.imagenetTop1 === null ? [] : [h('dt', {}, t('pretrained.imagenet')), h('dd', {}, `${w.imagenetTop1.toFixed(1)} %`)]),
            h('dt', {}, t('pretrained.size')),
            h('dd', {}, `${formatNumber(Math.round(w.sizeBytes / 1e6))} MB`),
          ),
          ...(admin && w.origin === 'catalogue' && w.status !== 'stored' ? [fetch] : []),
        );
      }),
    );
  }

  const file = h('input', { id: 'pretrained-file', type: 'file', accept: '.pth,.pt,.bin' }) as HTMLInputElement;
  const name = h('input', { id: 'pretrained-name', maxlength: 200, placeholder: t('pretrained.namePlaceholder') }) as HTMLInputElement;
  const team = h(
    'select',
    { id: 'pretrained-team' },
    h('option', { value: '' }, t('pretrained.everyTeam')),
    ...teams.map((x) => h('option', { value: x.id }, x.name)),
  ) as HTMLSelectElement;
  const importButton = h('button', { type: 'submit' }, t('pretrained.import'));
  const form = h(
    'form',
    { class: 'card', 'aria-label': t('pretrained.importTitle') },
    h('h2', {}, t('pretrained.importTitle')),
    h('p', { class: 'hint' }, t('pretrained.importIntro')),
    h('label', { for: 'pretrained-file' }, t('pretrained.file')),
    file,
    h('label', { for: 'pretrained-name' }, t('pretrained.giveName')),
    name,
    h('label', { for: 'pretrained-team' }, t('pretrained.team')),
    team,
    importButton,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) {
      fail(t('pretrained.chooseFile'));
      return;
    }
    importButton.setAttribute('disabled', '');
    status.className = 'status';
    status.textContent = t('pretrained.importing');
    try {
      const stored = await api.importPretrained(chosen, name.value.trim(), team.value ? Number(team.value) : null);
      status.textContent = t('pretrained.imported', { name: stored.name, key: stored.key, architecture: stored.architecture });
      file.value = '';
      name.value = '';
      show(await api.pretrained());
    } catch (err) {
      fail(err);
    } finally {
      importButton.removeAttribute('disabled');
    }
  });
  const check = h('button', { type: 'button', class: 'secondary' }, t('pretrained.check'));
  check.addEventListener('click', async () => {
    check.setAttribute('disabled', '');
    try {
      show(await api.checkPretrained());
      status.className = 'status';
      status.textContent = t('pretrained.checked');
    } catch (err) {
      fail(err);
    } finally {
      check.removeAttribute('disabled');
    }
  });
  show(await api.pretrained());
  mount(
    root,
    h('h1', {}, t('pretrained.title')),
    h('p', { class: 'hint' }, t('pretrained.intro'), ' ', ...codeList(['T13', 'T14'])),
    ...(admin ? [check] : []),
    status,
    list,
    admin ? form : null,
  );
}
