package io.kiln.core.advisor;

import io.kiln.core.metric.Metric;
import java.util.Map;

/**
 * One epoch of a run's curves, as the agent reported it.
 *
 * @param trainAccuracy the share right during the epoch's training pass: under augmentation, mixing
 *     and dropout, averaged while the weights changed, so below the model's fit in a healthy run
 * @param fitAccuracy the share of a fixed sample of training images right at the epoch's end,
 *     without augmentation ({@link Noise#FIT_SAMPLE}); NaN for runs from agents that did not
 *     measure it and for head epochs on stored features
 */
public record EpochPoint(
    int epoch,
    double trainLoss,
    double trainAccuracy,
    double valLoss,
    double valAccuracy,
    double lr,
    double fitAccuracy) {

  /** A point without the clean fit measure. */
  public EpochPoint(
      int epoch,
      double trainLoss,
      double trainAccuracy,
      double valLoss,
      double valAccuracy,
      double lr) {
    this(epoch, trainLoss, trainAccuracy, valLoss, valAccuracy, lr, Double.NaN);
  }

  /** An epoch point's values as reported on the wire; a missing value is NaN. */
  public static EpochPoint of(int epoch, Map<String, Double> values) {
    return new EpochPoint(
        epoch,
        Metric.TRAIN_LOSS.in(values),
        Metric.TRAIN_ACCURACY.in(values),
        Metric.VAL_LOSS.in(values),
        Metric.VAL_ACCURACY.in(values),
        Metric.LR.in(values),
        Metric.FIT_ACCURACY.in(values));
  }

  /** Whether the fit was measured clean at the epoch's end. */
  public boolean fitMeasured() {
    return !Double.isNaN(fitAccuracy);
  }

  /** This point as if the clean fit had not been measured: its fit is the training pass's. */
  public EpochPoint withoutFit() {
    return new EpochPoint(epoch, trainLoss, trainAccuracy, valLoss, valAccuracy, lr);
  }

  /** How well the model fits its training images: the clean measure where there is one. */
  public double fit() {
    return fitMeasured() ? fitAccuracy : trainAccuracy;
  }

  /** How much the fit exceeds validation accuracy (the overfitting gap, A1). */
  public double gap() {
    return fit() - valAccuracy;
  }
}
