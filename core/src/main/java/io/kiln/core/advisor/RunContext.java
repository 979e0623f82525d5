package io.kiln.core.advisor;

import io.kiln.core.recipe.Recipe;

/**
 * What the advisor knows besides the curves.
 *
 * @param recipe the run's recipe
 * @param reference the recipe it was derived from (its preset, or the defaults): A8 compares the
 *     batch size and learning rate against it
 * @param trainImages images in the training split
 * @param classes number of classes
 */
public record RunContext(Recipe recipe, Recipe reference, int trainImages, int classes) {
  public double chance() {
    return 1.0 / Math.max(1, classes);
  }
}
