import { codeList, withCodes } from '../glossary';
import { api, ApiError, type Preset, type RecipeField } from '../api';
import { h, mount } from '../dom';
import { read, row, show, type Input } from '../recipeForm';

/** Built-in presets and the team's own: cards, clone, edit, delete. */
export async function presetsPage(root: HTMLElement) {
  const [presets, fields] = await Promise.all([api.presets(), api.recipeFields()]);
  const editor = h('div', {});
  const cards = presets.map((p) => h('article', { class: 'card preset', 'data-testid': `preset-${p.id}` },
    h('h2', {}, p.name, p.builtIn ? h('span', { class: 'badge' }, 'built-in') : h('span', { class: 'badge' }, `team · ${p.createdBy}`)),
    h('p', {}, `When to use it: ${p.whenToUse}.`),
    h('p', {}, `What it costs: ${p.cost}.`),
    h('details', {}, h('summary', {}, 'How it trains'), h('p', {}, ...withCodes(p.description)),
      h('p', { class: 'tricks' }, 'Tricks: ', ...codeList(p.trickIds))),
    h('details', {}, h('summary', {}, 'Its settings'), h('code', { class: 'fields' },
      Object.entries(p.fields).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`).join(' · '))),
    h('button', { type: 'button', onclick: () => openEditor(editor, fields, p, true) }, 'Clone and edit'),
    p.builtIn ? null : h('button', { type: 'button', class: 'secondary', onclick: () => openEditor(editor, fields, p, false) }, 'Edit'),
    p.builtIn ? null : h('button', { type: 'button', class: 'danger', onclick: async () => {
      if (!confirm(`Delete the preset "${p.name}" for the whole team?`)) return;
      await api.deletePreset(p.id);
      await presetsPage(root);
    } }, 'Delete')));
  mount(root, h('h1', {}, 'Presets'),
    h('p', { class: 'hint' }, 'A preset is a starting recipe. The wizard fits it to your dataset and says why; '
      + 'team presets are shared with everyone and validated like any run.'),
    editor, ...cards);
}

function openEditor(editor: HTMLElement, fields: RecipeField[], base: Preset, clone: boolean) {
  const inputs = new Map<string, Input>();
  const name = h('input', { id: 'preset-name', value: clone ? `${base.name} (copy)` : base.name }) as HTMLInputElement;
  const description = h('input', { id: 'preset-description', value: base.description }) as HTMLInputElement;
  const groups = [...new Set(fields.map((f) => f.group))];
  const error = h('div', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'card', 'aria-label': 'Edit preset' },
    h('h2', {}, clone ? `New preset from "${base.name}"` : `Edit "${base.name}"`),
    h('label', { for: 'preset-name' }, 'Name'), name,
    h('label', { for: 'preset-description' }, 'Description'), description,
    ...groups.map((g) => h('fieldset', {}, h('legend', {}, g), ...fields.filter((f) => f.group === g).map((f) => row(f, inputs)))),
    h('button', { type: 'submit' }, 'Save preset'), h('button', { type: 'button', class: 'secondary',
      onclick: () => editor.replaceChildren() }, 'Close'), error);
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
