package io.kiln.core.advisor;

import io.kiln.core.recipe.Recipe;
import io.kiln.core.recipe.RecipeException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a recipe patch that is valid by construction: only real changes, round numbers, a
 * consistent floor.
 */
final class Patch {
  private final Recipe base;
  private final Map<String, Object> changes = new LinkedHashMap<>();

  Patch(Recipe base) {
    this.base = base;
  }

  Patch set(String field, Object value) {
    Object v = value instanceof Double d ? round(d) : value;
    if (!v.equals(base.toMap().get(field)) || changes.containsKey(field)) {
      changes.put(field, v);
    }
    return this;
  }

  /** Multiplies the learning rate, keeping the schedule's floor below the new rate (T4, T7). */
  Patch scaleLearningRate(double factor) {
    double rate = round(base.learningRate() * factor);
    set("learningRate", rate);
    double effective = "linear".equals(base.lrScaling()) ? rate * base.batchSize() / 256.0 : rate;
    if (base.minLearningRate() >= effective / 10) {
      set("minLearningRate", round(effective / 100));
    }
    return this;
  }

  /** The changes, or an empty map when there are none or they would not make a valid recipe. */
  Map<String, Object> build() {
    if (changes.isEmpty()) {
      return Map.of();
    }
    try {
      base.with(changes);
      return changes;
    } catch (RecipeException e) {
      return Map.of();
    }
  }

  static double round(double value) {
    return new BigDecimal(value).round(new MathContext(3)).doubleValue();
  }

  /** True when the recipe uses one of the stronger augmentations (T12). */
  static boolean strongAugmentation(Recipe r) {
    return r.cutmixAlpha() > 0
        || r.mixupAlpha() > 0
        || !"none".equals(r.autoAugment())
        || r.randomErasingProbability() > 0
        || r.gridMaskProbability() > 0
        || r.hideAndSeekProbability() > 0;
  }

  static boolean largeModel(Recipe r) {
    return List.of("resnet-50", "resnet-34").contains(r.architecture());
  }
}
