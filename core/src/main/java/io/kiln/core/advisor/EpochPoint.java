package io.kiln.core.advisor;

import io.kiln.core.metric.Metric;
import java.util.Map;

/** One epoch of a run's curves, as the agent reported it. */
public record EpochPoint(
    int epoch,
    double trainLoss,
    double trainAccuracy,
    double valLoss,
    double valAccuracy,
    double lr) {

  /** An epoch point's values as reported on the wire; a missing value is NaN. */
  public static EpochPoint of(int epoch, Map<String, Double> values) {
    return new EpochPoint(
        epoch,
        Metric.TRAIN_LOSS.in(values),
        Metric.TRAIN_ACCURACY.in(values),
        Metric.VAL_LOSS.in(values),
        Metric.VAL_ACCURACY.in(values),
        Metric.LR.in(values));
  }

  /** How much training accuracy exceeds validation accuracy (the overfitting gap, A1). */
  public double gap() {
    return trainAccuracy - valAccuracy;
  }
}
