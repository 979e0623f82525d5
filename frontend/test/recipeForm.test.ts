import { describe, expect, it } from 'vitest';
import type { RecipeField } from '../src/api';
import { read, row, show, showFieldErrors, type Input } from '../src/recipeForm';

function field(name: string, type: RecipeField['type'], defaultValue: unknown, choices: string[] = []): RecipeField {
  return {
    name,
    type,
    defaultValue,
    choices,
    label: name,
    help: `help for ${name}`,
    trickIds: ['T3'],
    min: null,
    max: null,
  } as RecipeField;
}

function form(fields: RecipeField[]) {
  const inputs = new Map<string, Input>();
  const root = document.createElement('form');
  fields.forEach((f) => root.append(row(f, inputs)));
  return { root, inputs };
}

describe("the recipe form reads what a person typed as the field's type", () => {
  const fields = [
    field('learningRate', 'number', 0.1),
    field('epochs', 'integer', 10),
    field('milestones', 'integer_list', [30, 60]),
    field('mixup', 'boolean', false),
    field('optimizer', 'text', 'sgd', ['sgd', 'adamw']),
  ];
  const { inputs } = form(fields);
  const byName = (n: string) => fields.find((f) => f.name === n)!;

  it("starts from each field's default", () => {
    expect(read(byName('learningRate'), inputs.get('learningRate')!)).toBe(0.1);
    expect(read(byName('milestones'), inputs.get('milestones')!)).toEqual([30, 60]);
    expect(read(byName('mixup'), inputs.get('mixup')!)).toBe(false);
    expect(read(byName('optimizer'), inputs.get('optimizer')!)).toBe('sgd');
  });

  it('reads numbers, lists with commas or spaces, and empty as not given', () => {
    inputs.get('epochs')!.value = ' 25 ';
    expect(read(byName('epochs'), inputs.get('epochs')!)).toBe(25);
    show(byName('milestones'), inputs.get('milestones')!, [5, 9]);
    expect(inputs.get('milestones')!.value).toBe('5, 9');
    inputs.get('milestones')!.value = '3 7,11';
    expect(read(byName('milestones'), inputs.get('milestones')!)).toEqual([3, 7, 11]);
    inputs.get('learningRate')!.value = '';
    expect(read(byName('learningRate'), inputs.get('learningRate')!)).toBeUndefined();
  });

  it('ties the help and the error to the input for screen readers', () => {
    expect(inputs.get('epochs')!.getAttribute('aria-describedby')).toBe('field-epochs-help field-epochs-error');
  });
});

describe('field errors', () => {
  it('shows each error once beside its field and returns the ones no field owns', () => {
    const { root, inputs } = form([field('epochs', 'integer', 10)]);
    const rest = showFieldErrors(root, inputs, [
      { field: 'epochs', message: 'must be at least 1' },
      { field: 'datasetId', message: 'no such dataset' },
    ]);
    expect(root.querySelector('[data-error-for="epochs"]')!.textContent).toBe('must be at least 1');
    expect(inputs.get('epochs')!.getAttribute('aria-invalid')).toBe('true');
    expect(rest).toEqual([{ field: 'datasetId', message: 'no such dataset' }]);

    showFieldErrors(root, inputs, []);
    expect(root.querySelector('[data-error-for="epochs"]')!.textContent).toBe('');
    expect(inputs.get('epochs')!.hasAttribute('aria-invalid')).toBe(false);
  });
});
