package io.kiln.core.training;

import io.kiln.core.metric.Metric;

/**
 * Follows one validation metric epoch by epoch and counts epochs without improvement; the shared
 * core of ReduceLROnPlateau (T7) and early stopping (T15). Its state is plain numbers so a
 * checkpoint can store it and a resumed run continues exactly.
 *
 * @param higherIsBetter true for accuracy (mode max), false for loss (mode min)
 * @param minDelta the smallest change that counts as an improvement
 */
public record MetricWatch(
    boolean higherIsBetter, double minDelta, double best, int bestEpoch, int badEpochs) {

  public static MetricWatch start(boolean higherIsBetter, double minDelta) {
    return new MetricWatch(higherIsBetter, minDelta, Double.NaN, 0, 0);
  }

  /** For metric names such as valAccuracy (higher is better) or valLoss (lower is better). */
  public static boolean higherIsBetterFor(String metric) {
    return Metric.byKey(metric)
        .map(m -> m.better() == Metric.Better.HIGHER)
        .orElseGet(() -> metric.toLowerCase().contains("accuracy"));
  }

  /** The state after seeing {@code value} at {@code epoch}. */
  public MetricWatch observe(int epoch, double value) {
    if (improves(value)) {
      return new MetricWatch(higherIsBetter, minDelta, value, epoch, 0);
    }
    return new MetricWatch(higherIsBetter, minDelta, best, bestEpoch, badEpochs + 1);
  }

  public boolean improves(double value) {
    if (Double.isNaN(value)) {
      return false;
    }
    if (Double.isNaN(best)) {
      return true;
    }
    return higherIsBetter ? value > best + minDelta : value < best - minDelta;
  }

  /** True when the last observed epoch was the best so far. */
  public boolean lastWasBest(int epoch) {
    return bestEpoch == epoch;
  }
}
