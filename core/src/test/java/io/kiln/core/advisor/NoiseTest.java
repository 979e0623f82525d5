package io.kiln.core.advisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NoiseTest {
  @Test
  void wilsonIntervalsMatchTheTextbook() {
    // 95.6 % of 90 images (86 right): Wilson 95 % interval 89.1 % to 98.3 %.
    double[] ci = Noise.interval(86 / 90.0, 90);
    assertEquals(0.891, ci[0], 0.001);
    assertEquals(0.983, ci[1], 0.001);
    assertEquals((ci[1] - ci[0]) / 2, Noise.halfWidth(86 / 90.0, 90), 1e-9);
    // 100 % is not certainty: 90 of 90 still leaves 4 points below.
    assertEquals(0.959, Noise.interval(1.0, 90)[0], 0.001);
    // Unknown size: no interval.
    assertEquals(0, Noise.halfWidth(0.9, 0));
  }

  @Test
  void aGapIsJudgedOnTheSideItPointsTo() {
    // 97.8 % on 90 images may be 92.3 %: 94.3 % on 810 training images is not clearly below it.
    assertTrue(Noise.above(0.978, 90, 0.943, 810) > 0.978 - 0.943);
    // Nor is 99.5 % on 512 clearly above 97.8 % on 90, though the interval above 97.8 is narrow.
    assertTrue(Noise.above(0.995, 512, 0.978, 90) > 0.995 - 0.978);
    // On 10,000 validation images, 3 points are far beyond the noise.
    assertTrue(Noise.above(0.978, 10_000, 0.948, 512) < 0.03);
  }

  @Test
  void imagesNeededShrinkTheIntervalToTheGoal() {
    int n = Noise.imagesFor(0.956, Noise.ENOUGH);
    assertTrue(Noise.halfWidth(0.956, n) <= Noise.ENOUGH + 0.002, "n " + n);
    assertTrue(Noise.halfWidth(0.956, n / 2) > Noise.ENOUGH);
    ValidationSplit small = ValidationSplit.of(90, 0.956);
    assertFalse(small.enough());
    assertEquals(n, small.imagesNeeded());
    assertTrue(ValidationSplit.of(2_000, 0.956).enough());
  }

  @Test
  void theFitSampleIsCapped() {
    assertEquals(300, Noise.fitSample(300));
    assertEquals(Noise.FIT_SAMPLE, Noise.fitSample(60_000));
  }
}
