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
  if (f.type === 'integer_list') return raw.split(/[\s,]+/).filter((s) => s !== '').map(Number);
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
  return h('div', { class: f.type === 'boolean' ? 'field check' : 'field' },
    h('label', { for: id }, f.label), input,
    h('small', { class: 'hint' }, ...withCodes(`${f.help} `), h('span', { class: 'tricks' }, '(', ...codeList(f.trickIds), ')')),
    h('small', { class: 'field-error', 'data-error-for': f.name, role: 'alert' }));
}

/** Shows {@code value} in the field's input. */
export function show(f: RecipeField, input: Input, value: unknown) {
  if (f.type === 'boolean') (input as HTMLInputElement).checked = value === true;
  else if (f.type === 'integer_list') input.value = ((value as number[]) ?? []).join(', ');
  else input.value = value === undefined || value === null ? '' : String(value);
}
