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
 * @param classes number of classes
 * @param tried the changes the run's family already tried and what each gained ({@link Lineage})
 */
public record RunContext(
    Recipe recipe, Recipe reference, int trainImages, int classes, List<Tried> tried) {
  public RunContext {
    tried = List.copyOf(tried);
  }

  /** A run with no family: nothing tried before it. */
  public RunContext(Recipe recipe, Recipe reference, int trainImages, int classes) {
    this(recipe, reference, trainImages, classes, List.of());
  }

  public double chance() {
    return 1.0 / Math.max(1, classes);
  }
}
