import { codeList, withCodes } from '../glossary';
import { api, ApiError, type Preset, type RecipeField } from '../api';
import { h, mount } from '../dom';
import { t } from '../i18n';
import { read, row, show, type Input } from '../recipeForm';

/** Built-in presets and the team's own: cards, clone, edit, delete. */
export async function presetsPage(root: HTMLElement) {
  const [presets, fields] = await Promise.all([api.presets(), api.recipeFields()]);
  const editor = h('div', {});
  const cards = presets.map((p) =>
    h(
      'article',
      { class: 'card preset', 'data-testid': `preset-${p.id}` },
      h(
        'h2',
        {},
        p.name,
        p.builtIn
          ? h('span', { class: 'badge' }, t('presets.builtIn'))
          : h('span', { class: 'badge' }, t('presets.team', { by: p.createdBy ?? '' })),
      ),
      h('p', {}, t('presets.when', { when: p.whenToUse })),
      h('p', {}, t('presets.cost', { cost: p.cost })),
      h(
        'details',
        {},
        h('summary', {}, t('presets.how')),
        h('p', {}, ...withCodes(p.description)),
        h('p', { class: 'tricks' }, t('presets.tricks'), ...codeList(p.trickIds)),
      ),
      h(
        'details',
        {},
        h('summary', {}, t('presets.settings')),
        h(
          'code',
          { class: 'fields' },
          Object.entries(p.fields)
            .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)
            .join(' · '),
        ),
      ),
      h('button', { type: 'button', onclick: () => openEditor(editor, fields, p, true) }, t('presets.clone')),
      p.builtIn
        ? null
        : h('button', { type: 'button', class: 'secondary', onclick: () => openEditor(editor, fields, p, false) }, t('presets.edit')),
      p.builtIn
        ? null
        : h(
            'button',
            {
              type: 'button',
              class: 'danger',
              onclick: async () => {
                if (!confirm(t('presets.confirmDelete', { name: p.name }))) return;
                await api.deletePreset(p.id);
                await presetsPage(root);
              },
            },
            t('presets.delete'),
          ),
    ),
  );
  mount(root, h('h1', {}, t('presets.title')), h('p', { class: 'hint' }, t('presets.intro')), editor, ...cards);
}

function openEditor(editor: HTMLElement, fields: RecipeField[], base: Preset, clone: boolean) {
  const inputs = new Map<string, Input>();
  const name = h('input', { id: 'preset-name', value: clone ? `${base.name} (copy)` : base.name }) as HTMLInputElement;
  const description = h('input', { id: 'preset-description', value: base.description }) as HTMLInputElement;
  const groups = [...new Set(fields.map((f) => f.group))];
  const error = h('div', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    { class: 'card', 'aria-label': t('presets.editTitle') },
    h('h2', {}, clone ? t('presets.newFrom', { name: base.name }) : t('presets.editing', { name: base.name })),
    h('label', { for: 'preset-name' }, t('presets.name')),
    name,
    h('label', { for: 'preset-description' }, t('presets.description')),
    description,
    ...groups.map((g) => h('fieldset', {}, h('legend', {}, g), ...fields.filter((f) => f.group === g).map((f) => row(f, inputs)))),
    h('button', { type: 'submit' }, t('presets.save')),
    h('button', { type: 'button', class: 'secondary', onclick: () => editor.replaceChildren() }, t('presets.close')),
    error,
  );
  for (const f of fields) show(f, inputs.get(f.name)!, base.fields[f.name] ?? f.defaultValue);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.replaceChildren();
    form.querySelectorAll('.field-error').forEach((el) => (el.textContent = ''));
    const values: Record<string, unknown> = {};
    for (const f of fields) {
      const value = read(f, inputs.get(f.name)!);
      if (value !== undefined && (f.name in base.fields || JSON.stringify(value) !== JSON.stringify(f.defaultValue))) {
        values[f.name] = value;
      }
    }
    const body = { name: name.value, description: description.value, fields: values, basedOn: clone ? base.id : undefined };
    try {
      if (clone) await api.createPreset(body);
      else await api.updatePreset(base.id, body);
      location.hash = '#/presets';
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (err) {
      if (err instanceof ApiError) {
        error.textContent = err.message;
        for (const fe of err.fields) {
          const slot = form.querySelector(`[data-error-for="${fe.field}"]`);
          if (slot) slot.textContent = fe.message;
        }
      } else {
        error.textContent = String(err);
      }
    }
  });
  editor.replaceChildren(form);
  form.scrollIntoView();
}
