// The metric names a point's values may carry: core's Metric enum, from the OpenAPI document
// (schema MetricName; each metric's scope, unit, direction and label are in its x-kiln-metrics
// extension, which the tests read).
import type { components } from './generated/openapi';

export type MetricName = components['schemas']['MetricName'];
