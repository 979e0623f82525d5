package io.kiln.core.training;

import io.kiln.core.recipe.Recipe;
import java.util.List;

/**
 * The learning rate at every optimizer update of the all-layers stage, as a pure function of the
 * update index (plus the plateau factor for T7), so the agent, the UI's preview and the tests agree
 * on every value.
 *
 * <p>Linear warmup (T6) ramps from 0: update {@code i < W} uses {@code lr * (i + 1) / W}. After
 * warmup the chosen decay runs over the remaining updates: constant, piecewise at milestone epochs
 * (T3), cosine (T4), polynomial and exponential (T5) down to the floor, or plateau (T7).
 */
public final class LearningRateSchedule {
  private final String kind;
  private final double base;
  private final double floor;
  private final long stepsPerEpoch;
  private final long warmupSteps;
  private final long totalSteps;
  private final List<Integer> milestones;
  private final double decayFactor;
  private final double power;
  private final double rate;

  public LearningRateSchedule(Recipe recipe, long stepsPerEpoch) {
    this.kind = recipe.schedule();
    this.base = recipe.effectiveLearningRate();
    this.floor = Math.min(recipe.minLearningRate(), base);
    this.stepsPerEpoch = Math.max(1, stepsPerEpoch);
    this.totalSteps = this.stepsPerEpoch * recipe.fullEpochs();
    this.warmupSteps =
        Math.min(totalSteps - 1, Math.round(recipe.warmupEpochs() * this.stepsPerEpoch));
    this.milestones = recipe.milestones();
    this.decayFactor = recipe.decayFactor();
    this.power = recipe.polynomialPower();
    this.rate = recipe.exponentialRate();
  }

  public long totalSteps() {
    return totalSteps;
  }

  public long warmupSteps() {
    return warmupSteps;
  }

  /** The rate of update {@code step} (0-based) when no plateau reduction happened. */
  public double at(long step) {
    return at(step, 1.0);
  }

  /**
   * @param plateauScale the product of the plateau reductions so far (1 when none; only the plateau
   *     schedule uses it)
   */
  public double at(long step, double plateauScale) {
    if (step < warmupSteps) {
      return base * (step + 1) / warmupSteps;
    }
    long t = Math.min(step, totalSteps - 1) - warmupSteps;
    long decaySteps = Math.max(1, totalSteps - warmupSteps - 1);
    double progress = Math.min(1.0, t / (double) decaySteps);
    return switch (kind) {
      case "constant" -> base;
      case "piecewise" -> base * Math.pow(decayFactor, passedMilestones(step / stepsPerEpoch));
      case "cosine" -> floor + (base - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
      case "polynomial" -> floor + (base - floor) * Math.pow(1 - progress, power);
      case "exponential" -> Math.max(floor, base * Math.pow(rate, t / (double) stepsPerEpoch));
      case "plateau" -> Math.max(floor, base * plateauScale);
      default -> throw new IllegalArgumentException("unknown schedule '" + kind + "'");
    };
  }

  private int passedMilestones(long epoch) {
    int passed = 0;
    for (int milestone : milestones) {
      if (epoch >= milestone) {
        passed++;
      }
    }
    return passed;
  }
}
