package io.kiln.core.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.recipe.Recipe;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ReduceLROnPlateau (T7) and early stopping (T15) on hand-made metric sequences. */
class PlateauReducerTest {

  @Test
  void reducesAfterPatienceBadEpochsAndNeverBelowTheMinimum() {
    Recipe r =
        Recipe.defaults()
            .with(
                Map.of(
                    "schedule",
                    "plateau",
                    "learningRate",
                    0.1,
                    "decayFactor",
                    0.1,
                    "plateauPatience",
                    2,
                    "minLearningRate",
                    0.0005));
    PlateauReducer p = PlateauReducer.start(r);
    p = p.observe(1, 0.50);
    p = p.observe(2, 0.60);
    assertEquals(1.0, p.scale());
    p = p.observe(3, 0.60);
    assertEquals(1.0, p.scale(), "one bad epoch is within patience");
    p = p.observe(4, 0.59);
    assertEquals(0.1, p.scale(), 1e-12, "second bad epoch reduces");
    p = p.observe(5, 0.58);
    assertEquals(0.1, p.scale(), 1e-12, "patience restarts after a reduction");
    p = p.observe(6, 0.58);
    assertEquals(0.01, p.scale(), 1e-12);
    p = p.observe(7, 0.5).observe(8, 0.5);
    assertEquals(0.005, p.scale(), 1e-12, "floor 0.0005 / 0.1");
    assertTrue(p.atFloor());
    LearningRateSchedule s = new LearningRateSchedule(r, 10);
    assertEquals(0.0005, s.at(5, p.scale()), 1e-12);
  }

  @Test
  void minModeOnLossReducesWhenLossStopsFalling() {
    Recipe r =
        Recipe.defaults()
            .with(
                Map.of(
                    "schedule",
                    "plateau",
                    "plateauMetric",
                    "valLoss",
                    "plateauMode",
                    "min",
                    "plateauPatience",
                    1));
    PlateauReducer p = PlateauReducer.start(r).observe(1, 1.0).observe(2, 0.8);
    assertEquals(1.0, p.scale());
    assertEquals(0.1, p.observe(3, 0.9).scale(), 1e-12);
  }

  @Test
  void earlyStoppingWatchCountsEpochsWithoutImprovementBeyondMinDelta() {
    MetricWatch w = MetricWatch.start(true, 0.01);
    w = w.observe(1, 0.70).observe(2, 0.75).observe(3, 0.755);
    assertEquals(1, w.badEpochs(), "0.005 better is below the minimum improvement");
    assertEquals(2, w.bestEpoch());
    w = w.observe(4, 0.80);
    assertEquals(0, w.badEpochs());
    assertTrue(w.lastWasBest(4));
    assertFalse(
        MetricWatch.start(false, 0).observe(1, 0.5).improves(0.6),
        "loss going up is no improvement");
    assertFalse(w.improves(Double.NaN));
  }
}
