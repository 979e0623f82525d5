package io.kiln.agent.training;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.kiln.core.recipe.Recipe;

/** Builds the optimizer and its learning-rate schedule from a recipe (T1, T2, T4, T9). */
public final class OptimizerFactory {
  /** Cosine decays to this fraction of the initial LR, not to 0 (T4: keep a floor). */
  static final float COSINE_FLOOR = 0.01f;

  private OptimizerFactory() {}

  /** The learning rate at each optimizer update, so the loop can report it exactly. */
  public static Tracker schedule(Recipe recipe, int totalSteps) {
    float lr = (float) recipe.learningRate();
    if ("cosine".equals(recipe.schedule())) {
      return Tracker.cosine().setBaseValue(lr).optFinalValue(lr * COSINE_FLOOR)
          .setMaxUpdates(Math.max(1, totalSteps)).build();
    }
    return Tracker.fixed(lr);
  }

  public static Optimizer optimizer(Recipe recipe, Tracker schedule) {
    float wd = (float) recipe.weightDecay();
    switch (recipe.optimizer()) {
      case "sgd":
        return Optimizer.sgd().setLearningRateTracker(schedule)
            .optMomentum((float) recipe.momentum()).optWeightDecays(wd).build();
      case "adam":
        return Optimizer.adam().optLearningRateTracker(schedule).optWeightDecays(wd).build();
      default:
        throw new IllegalArgumentException("unknown optimizer '" + recipe.optimizer() + "'");
    }
  }
}
