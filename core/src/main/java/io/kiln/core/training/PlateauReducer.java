package io.kiln.core.training;

import io.kiln.core.recipe.Recipe;

/**
 * ReduceLROnPlateau (T7): multiplies the learning rate by the decay factor after {@code patience}
 * epochs without improvement of the watched metric, never going below the minimum rate.
 *
 * @param scale the product of all reductions so far (1 at the start)
 */
public record PlateauReducer(
    MetricWatch watch, int patience, double factor, double scale, double minScale) {

  public static PlateauReducer start(Recipe recipe) {
    boolean max = "max".equals(recipe.plateauMode());
    return new PlateauReducer(
        MetricWatch.start(max, 0),
        recipe.plateauPatience(),
        recipe.decayFactor(),
        1.0,
        recipe.minLearningRate() / recipe.effectiveLearningRate());
  }

  /** The state after this epoch's metric; the scale drops when patience ran out. */
  public PlateauReducer observe(int epoch, double value) {
    MetricWatch next = watch.observe(epoch, value);
    if (next.badEpochs() >= patience) {
      double reduced = Math.max(minScale, scale * factor);
      // A reduction restarts the patience count, as in PyTorch's ReduceLROnPlateau.
      MetricWatch reset =
          new MetricWatch(next.higherIsBetter(), next.minDelta(), next.best(), next.bestEpoch(), 0);
      return new PlateauReducer(reset, patience, factor, reduced, minScale);
    }
    return new PlateauReducer(next, patience, factor, scale, minScale);
  }

  /** True when the rate can go no lower. */
  public boolean atFloor() {
    return scale <= minScale + 1e-12;
  }
}
