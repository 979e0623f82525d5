package io.kiln.agent.training.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.recipe.Recipe;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Label smoothing (T10), mixup and CutMix (T12): the targets weigh each label by what it
 * contributed.
 */
class MixerTest {
  static final int N = 8;
  static final int SIZE = 16;
  static final int CLASSES = 4;

  /** Image i is filled with the value i, so every pixel tells which image it came from. */
  private static float[] batch() {
    float[] data = new float[N * SIZE * SIZE];
    for (int i = 0; i < N; i++) {
      java.util.Arrays.fill(data, i * SIZE * SIZE, (i + 1) * SIZE * SIZE, i);
    }
    return data;
  }

  private static final int[] LABELS = {0, 1, 2, 3, 0, 1, 2, 3};

  @Test
  void labelSmoothingSpreadsEpsilonOverAllClasses() {
    Mixer mixer = new Mixer(Recipe.defaults().with("labelSmoothing", 0.1), CLASSES);
    float[] t = mixer.targets(new int[] {2}, Mixer.Mix.NONE);
    assertEquals(0.1f / 4, t[0], 1e-7);
    assertEquals(1 - 0.1f + 0.1f / 4, t[2], 1e-7);
    assertEquals(1.0, t[0] + t[1] + t[2] + t[3], 1e-6);
  }

  @Test
  void cutmixLabelWeightsEqualTheMixedAreas() {
    Mixer mixer = new Mixer(Recipe.defaults().with("cutmixAlpha", 1.0), CLASSES);
    for (int seed = 0; seed < 20; seed++) {
      float[] data = batch();
      Mixer.Mix mix = mixer.mix(data, N, 1, SIZE, new SplittableRandom(seed));
      assertEquals("cutmix", mix.kind());
      float[] targets = mixer.targets(LABELS, mix);
      for (int i = 0; i < N; i++) {
        int partner = mix.partner()[i];
        long fromPartner = 0;
        for (int p = 0; p < SIZE * SIZE; p++) {
          fromPartner += data[i * SIZE * SIZE + p] == partner && partner != i ? 1 : 0;
        }
        double partnerArea = partner == i ? 1 - mix.lambda() : fromPartner / (double) (SIZE * SIZE);
        double partnerWeight =
            LABELS[partner] == LABELS[i]
                ? 1 - mix.lambda()
                : targets[i * CLASSES + LABELS[partner]];
        assertEquals(partnerArea, partnerWeight, 1e-6, "image " + i + " seed " + seed);
        assertEquals(1.0, sum(targets, i), 1e-6);
      }
    }
  }

  @Test
  void mixupBlendsPixelsAndLabelsWithTheSameWeight() {
    Mixer mixer = new Mixer(Recipe.defaults().with("mixupAlpha", 0.4), CLASSES);
    float[] data = batch();
    Mixer.Mix mix = mixer.mix(data, N, 1, SIZE, new SplittableRandom(3));
    assertEquals("mixup", mix.kind());
    float[] targets = mixer.targets(LABELS, mix);
    for (int i = 0; i < N; i++) {
      int partner = mix.partner()[i];
      double expected = mix.lambda() * i + (1 - mix.lambda()) * partner;
      assertEquals(expected, data[i * SIZE * SIZE + 5], 1e-4);
      if (LABELS[partner] != LABELS[i]) {
        assertEquals(mix.lambda(), targets[i * CLASSES + LABELS[i]], 1e-6);
        assertEquals(1 - mix.lambda(), targets[i * CLASSES + LABELS[partner]], 1e-6);
      }
    }
  }

  @Test
  void probabilitiesChooseBetweenMixupCutmixAndNothing() {
    Mixer mixer =
        new Mixer(
            Recipe.defaults()
                .with(
                    Map.of(
                        "mixupAlpha",
                        0.2,
                        "cutmixAlpha",
                        1.0,
                        "mixupProbability",
                        0.3,
                        "cutmixProbability",
                        0.5)),
            CLASSES);
    Map<String, Integer> counts = new java.util.HashMap<>();
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < 2000; i++) {
      counts.merge(mixer.mix(batch(), N, 1, SIZE, rng).kind(), 1, Integer::sum);
    }
    assertEquals(0.3, counts.get("mixup") / 2000.0, 0.04);
    assertEquals(0.5, counts.get("cutmix") / 2000.0, 0.04);
    assertEquals(0.2, counts.get("none") / 2000.0, 0.04);
  }

  @Test
  void withoutMixingTheBatchIsUntouched() {
    float[] data = batch();
    Mixer.Mix mix =
        new Mixer(Recipe.defaults(), CLASSES).mix(data, N, 1, SIZE, new SplittableRandom(1));
    assertEquals("none", mix.kind());
    assertEquals(java.util.Arrays.toString(batch()), java.util.Arrays.toString(data));
    assertNotEquals(0, data.length);
    assertTrue(Sampling.beta(0.2, new SplittableRandom(5)) >= 0);
  }

  private static double sum(float[] targets, int row) {
    double s = 0;
    for (int k = 0; k < CLASSES; k++) {
      s += targets[row * CLASSES + k];
    }
    return s;
  }
}
