import { codeList, withCodes } from './glossary';
import type { RecipeField } from './api';
import { h } from './dom';

export type Input = HTMLInputElement | HTMLSelectElement;

/** The typed value of an input, or undefined when it is empty. */
export function read(f: RecipeField, input: Input): unknown {
  if (f.type === 'boolean') return (input as HTMLInputElement).checked;
  const raw = input.value.trim();
  if (raw === '') return undefined;
  if (f.type === 'number' || f.type === 'integer') return Number(raw);
  if (f.type === 'integer_list')
    return raw
      .split(/[\s,]+/)
      .filter((s) => s !== '')
      .map(Number);
  return raw;
}

export function row(f: RecipeField, inputs: Map<string, Input>): HTMLElement {
  const id = `field-${f.name}`;
  let input: HTMLElement;
  if (f.choices.length > 0) {
    input = h('select', { id, name: f.name }, ...f.choices.map((o) => h('option', { value: o, selected: o === f.defaultValue }, o)));
  } else if (f.type === 'boolean') {
    input = h('input', { id, name: f.name, type: 'checkbox', checked: f.defaultValue === true });
  } else if (f.type === 'integer_list') {
    input = h('input', { id, name: f.name, placeholder: 'e.g. 30, 60, 90', value: (f.defaultValue as number[]).join(', ') });
  } else {
    input = h('input', { id, name: f.name, type: 'number', step: f.type === 'integer' ? '1' : 'any', value: String(f.defaultValue) });
  }
  inputs.set(f.name, input as Input);
  // The help and the field's error are tied to the input, so a screen reader reads them with it.
  input.setAttribute('aria-describedby', `${id}-help ${id}-error`);
  return h(
    'div',
    { class: f.type === 'boolean' ? 'field check' : 'field' },
    h('label', { for: id }, f.label),
    input,
    h(
      'small',
      { class: 'hint', id: `${id}-help` },
      ...withCodes(`${f.help} `),
      h('span', { class: 'tricks' }, '(', ...codeList(f.trickIds), ')'),
    ),
    h('small', { class: 'field-error', id: `${id}-error`, 'data-error-for': f.name, role: 'alert' }),
  );
}

/**
 * Shows each field error once, next to its field (marking the input invalid), and returns the
 * errors that belong to no field on this form.
 */
export function showFieldErrors(
  form: HTMLElement,
  inputs: Map<string, Input>,
  errors: { field: string; message: string }[],
): { field: string; message: string }[] {
  form.querySelectorAll<HTMLElement>('[data-error-for]').forEach((e) => (e.textContent = ''));
  inputs.forEach((input) => input.removeAttribute('aria-invalid'));
  const rest: { field: string; message: string }[] = [];
  for (const e of errors) {
    const slot = form.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(e.field)}"]`);
    if (slot) {
      slot.textContent = e.message;
      inputs.get(e.field)?.setAttribute('aria-invalid', 'true');
    } else {
      rest.push(e);
    }
  }
  return rest;
}

/** Shows {@code value} in the field's input. */
export function show(f: RecipeField, input: Input, value: unknown) {
  if (f.type === 'boolean') (input as HTMLInputElement).checked = value === true;
  else if (f.type === 'integer_list') input.value = ((value as number[]) ?? []).join(', ');
  else input.value = value === undefined || value === null ? '' : String(value);
}
