package io.kiln.core.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.recipe.Recipe;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Schedule values at chosen steps, per schedule kind (T3-T7). */
class LearningRateScheduleTest {
  private static final double EPS = 1e-12;

  private static LearningRateSchedule schedule(Map<String, ?> changes, int stepsPerEpoch) {
    return new LearningRateSchedule(Recipe.defaults().with(changes), stepsPerEpoch);
  }

  @Test
  void warmupRampsLinearlyFromZeroThenDecays() {
    // T6: 2 warmup epochs of 10 steps at lr 0.1, then cosine over the remaining 8 epochs.
    LearningRateSchedule s =
        schedule(
            Map.of("learningRate", 0.1, "epochs", 10, "warmupEpochs", 2, "minLearningRate", 0.001),
            10);
    assertEquals(20, s.warmupSteps());
    assertEquals(0.1 * 1 / 20, s.at(0), EPS);
    assertEquals(0.1 * 10 / 20, s.at(9), EPS);
    assertEquals(0.1, s.at(19), EPS);
    assertEquals(0.1, s.at(20), EPS, "decay starts at the peak");
    for (int i = 1; i < 20; i++) {
      assertTrue(s.at(i) > s.at(i - 1), "warmup increases at step " + i);
    }
  }

  @Test
  void cosineEndsAtItsFloorNotAtZero() {
    LearningRateSchedule s =
        schedule(Map.of("learningRate", 0.1, "epochs", 4, "minLearningRate", 0.001), 25);
    assertEquals(0.1, s.at(0), EPS);
    assertEquals(0.001, s.at(99), EPS, "T4: last step sits on the floor");
    assertEquals(0.001 + 0.099 * 0.5 * (1 + Math.cos(Math.PI * 49 / 99.0)), s.at(49), EPS);
    assertEquals(0.001, s.at(500), EPS, "past the end stays on the floor");
  }

  @Test
  void piecewiseDividesAtEachMilestone() {
    // T3: 0.1, divided by 10 at epochs 3 and 6.
    LearningRateSchedule s =
        schedule(
            Map.of(
                "learningRate",
                0.1,
                "epochs",
                9,
                "schedule",
                "piecewise",
                "milestones",
                List.of(3, 6)),
            10);
    assertEquals(0.1, s.at(29), EPS);
    assertEquals(0.01, s.at(30), EPS);
    assertEquals(0.01, s.at(59), EPS);
    assertEquals(0.001, s.at(60), 1e-15);
  }

  @Test
  void polynomialAndExponentialReachTheirValues() {
    LearningRateSchedule poly =
        schedule(
            Map.of(
                "learningRate",
                0.1,
                "epochs",
                2,
                "schedule",
                "polynomial",
                "polynomialPower",
                2.0,
                "minLearningRate",
                0.0),
            51);
    // 102 steps, decay over 101: half way (step 50.5) the rate is 0.1 * (1 - 0.5)^2.
    assertEquals(0.1 * Math.pow(1 - 50 / 101.0, 2), poly.at(50), EPS);
    assertEquals(0.0, poly.at(101), EPS);
    LearningRateSchedule exp =
        schedule(
            Map.of(
                "learningRate",
                0.1,
                "epochs",
                5,
                "schedule",
                "exponential",
                "exponentialRate",
                0.5,
                "minLearningRate",
                0.01),
            10);
    assertEquals(0.1, exp.at(0), EPS);
    assertEquals(0.05, exp.at(10), EPS, "halved after one epoch");
    assertEquals(0.025, exp.at(20), EPS);
    assertEquals(0.01, exp.at(49), EPS, "never below the floor");
  }

  @Test
  void plateauScaleAppliesButNeverBelowTheFloor() {
    LearningRateSchedule s =
        schedule(Map.of("learningRate", 0.1, "schedule", "plateau", "minLearningRate", 0.004), 10);
    assertEquals(0.1, s.at(7, 1.0), EPS);
    assertEquals(0.01, s.at(7, 0.1), EPS);
    assertEquals(0.004, s.at(7, 0.001), EPS);
  }

  @Test
  void scheduleSpansOnlyTheAllLayersStage() {
    // T17: with 2 head-only epochs of 8, cosine runs over the 6 remaining epochs.
    LearningRateSchedule s =
        schedule(
            Map.of("epochs", 8, "headOnlyEpochs", 2, "initialWeights", "run", "initialRunId", 1),
            10);
    assertEquals(60, s.totalSteps());
    assertEquals(Recipe.defaults().minLearningRate(), s.at(59), EPS);
  }

  @Test
  void linearScalingFeedsTheSchedule() {
    LearningRateSchedule s =
        schedule(
            Map.of(
                "lrScaling",
                "linear",
                "learningRate",
                0.1,
                "batchSize",
                128,
                "schedule",
                "constant"),
            10);
    assertEquals(0.05, s.at(3), EPS);
  }
}
