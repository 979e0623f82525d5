package io.kiln.core.advisor;

import io.kiln.core.recipe.Recipe;
import java.util.List;

/**
 * What the advisor knows besides the curves.
 *
 * @param recipe the run's recipe
 * @param reference the recipe it was derived from (its preset, or the defaults): A8 compares the
 *     batch size and learning rate against it
 * @param trainImages images in the training split
 * @param validationImages images in the validation split: how sure its accuracy is ({@link Noise});
 *     0 when unknown
 * @param classes number of classes
 * @param tried the changes the run's family already tried and what each gained ({@link Lineage})
 */
public record RunContext(
    Recipe recipe,
    Recipe reference,
    int trainImages,
    int validationImages,
    int classes,
    List<Tried> tried) {
  public RunContext {
    tried = List.copyOf(tried);
  }

  /** A run with no family: nothing tried before it. */
  public RunContext(
      Recipe recipe, Recipe reference, int trainImages, int validationImages, int classes) {
    this(recipe, reference, trainImages, validationImages, classes, List.of());
  }

  public double chance() {
    return 1.0 / Math.max(1, classes);
  }

  /** Half the width of the 95 % interval of a validation accuracy. */
  public double valHalfWidth(double accuracy) {
    return Noise.halfWidth(accuracy, validationImages);
  }

  /**
   * How far an epoch's fit must lie above its validation accuracy (A1), or below it (A2), to be
   * beyond the noise of both ({@link Noise#above}): the clean fit measure's sample, or the whole
   * training split for the training pass's own accuracy. 0 when the validation split is unknown.
   */
  double gapNoise(EpochPoint p, boolean fitAbove) {
    if (validationImages <= 0) {
      return 0;
    }
    int fitImages = p.fitMeasured() ? Noise.fitSample(trainImages) : trainImages;
    return fitAbove
        ? Noise.above(p.fit(), fitImages, p.valAccuracy(), validationImages)
        : Noise.above(p.valAccuracy(), validationImages, p.fit(), fitImages);
  }
}
