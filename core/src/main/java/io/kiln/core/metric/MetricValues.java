package io.kiln.core.metric;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The values of one metric point, written by {@link Metric} so a misspelt name cannot compile. The
 * wire form stays a map of name to number, so an agent may add values Kiln does not know yet.
 */
public final class MetricValues {
  private final Map<String, Double> values = new LinkedHashMap<>();

  public static MetricValues of() {
    return new MetricValues();
  }

  public MetricValues put(Metric metric, double value) {
    values.put(metric.key(), value);
    return this;
  }

  /**
   * Adds the value only when it is a finite number (e.g. a gradient norm not measured this step).
   */
  public MetricValues putIfFinite(Metric metric, double value) {
    return Double.isFinite(value) ? put(metric, value) : this;
  }

  public double get(Metric metric) {
    return metric.in(values);
  }

  /** The wire form: value name to number, in the order written. */
  public Map<String, Double> asMap() {
    return Collections.unmodifiableMap(values);
  }
}
