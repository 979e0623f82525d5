import { t } from './i18n';
// Where a run may train and how urgent it is: the same three fields on the wizard and the full form.
import type { RunRequest } from './api';
import { h } from './dom';

export interface PlacementFields {
  element: HTMLElement;
  /** Copies what the user filled in onto the launch request. */
  apply(body: RunRequest): void;
}

export function placementFields(prefix: string): PlacementFields {
  const labels = h('input', {
    id: `${prefix}-requiredLabels`,
    name: 'requiredLabels',
    placeholder: t('placement.labelsExample'),
  }) as HTMLInputElement;
  const memory = h('input', {
    id: `${prefix}-minDeviceMemoryGb`,
    name: 'minDeviceMemoryGb',
    type: 'number',
    min: 0,
    step: 'any',
    placeholder: t('placement.any'),
  }) as HTMLInputElement;
  const priority = h('input', {
    id: `${prefix}-priority`,
    name: 'priority',
    type: 'number',
    min: -10,
    max: 10,
    step: '1',
    value: '0',
  }) as HTMLInputElement;
  const element = h(
    'details',
    { 'data-testid': 'placement' },
    h('summary', {}, t('placement.title')),
    h(
      'div',
      { class: 'field' },
      h('label', { for: labels.id }, t('placement.labels')),
      labels,
      h('small', { class: 'hint' }, t('placement.labelsHelp')),
      h('small', { class: 'field-error', 'data-error-for': 'requiredLabels', role: 'alert' }),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: memory.id }, t('placement.memory')),
      memory,
      h('small', { class: 'field-error', 'data-error-for': 'minDeviceMemoryGb', role: 'alert' }),
    ),
    h(
      'div',
      { class: 'field' },
      h('label', { for: priority.id }, t('placement.priority')),
      priority,
      h('small', { class: 'hint' }, t('placement.priorityHelp')),
      h('small', { class: 'field-error', 'data-error-for': 'priority', role: 'alert' }),
    ),
  );
  return {
    element,
    apply(body: RunRequest) {
      if (labels.value.trim())
        body.requiredLabels = labels.value
          .split(',')
          .map((l) => l.trim())
          .filter((l) => l);
      if (memory.value.trim()) body.minDeviceMemoryGb = Number(memory.value);
      if (priority.value.trim() && Number(priority.value) !== 0) body.priority = Number(priority.value);
    },
  };
}
