package io.kiln.agent.training;

import io.kiln.core.training.MetricWatch;
import io.kiln.core.training.PlateauReducer;

/**
 * Everything about a run's progress that is not a tensor: where it is, the schedule's plateau
 * reductions, the best epoch so far. Saved in every checkpoint so a resume continues exactly.
 *
 * @param epoch epochs completed
 * @param step optimizer updates done
 * @param best the watch on the early-stopping metric (also picks the best epoch to keep, T15)
 */
public record Progress(
    int epoch,
    long step,
    PlateauReducer plateau,
    MetricWatch best,
    double bestValAccuracy,
    double lastValAccuracy,
    long imagesSeen,
    long trainNanos) {

  Progress afterEpoch(
      long step,
      PlateauReducer plateau,
      MetricWatch best,
      double valAccuracy,
      long images,
      long nanos) {
    return new Progress(
        epoch + 1,
        step,
        plateau,
        best,
        Math.max(bestValAccuracy, valAccuracy),
        valAccuracy,
        imagesSeen + images,
        trainNanos + nanos);
  }

  double imagesPerSecond() {
    return imagesSeen / Math.max(1e-9, trainNanos / 1e9);
  }
}
