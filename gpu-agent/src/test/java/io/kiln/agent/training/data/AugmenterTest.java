package io.kiln.agent.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.agent.training.Normalization;
import io.kiln.core.recipe.Recipe;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each per-image augmentation (T11, T12) changes what it should and nothing else. */
class AugmenterTest {
  static final int S = 16;

  /** Mean 0, std 1: normalization is the identity, so outputs read as pixels. */
  static final Normalization IDENTITY = new Normalization(new float[] {0f}, new float[] {1f});

  /** A horizontal ramp: pixel (y, x) = x / (S - 1). */
  static float[] ramp() {
    float[] px = new float[S * S];
    for (int y = 0; y < S; y++) {
      for (int x = 0; x < S; x++) {
        px[y * S + x] = x / (float) (S - 1);
      }
    }
    return px;
  }

  static float[] augment(Map<String, ?> recipe, float[] px, long seed) {
    float[] out = new float[px.length];
    new Augmenter(Recipe.defaults().with(recipe), IDENTITY, true)
        .apply(px, 1, S, new SplittableRandom(seed), out, 0);
    return out;
  }

  static long zeros(float[] px) {
    long n = 0;
    for (float v : px) {
      n += v == 0f ? 1 : 0;
    }
    return n;
  }

  @Test
  void noAugmentationOnlyNormalizes() {
    float[] out = new float[S * S];
    new Augmenter(
            Recipe.defaults(), new Normalization(new float[] {0.5f}, new float[] {0.25f}), true)
        .apply(ramp(), 1, S, new SplittableRandom(1), out, 0);
    assertEquals((0 - 0.5f) / 0.25f, out[0], 1e-6);
    assertEquals((1 - 0.5f) / 0.25f, out[S - 1], 1e-6);
  }

  @Test
  void horizontalFlipMirrorsRows() {
    boolean flipped = false;
    boolean kept = false;
    for (long seed = 0; seed < 20; seed++) {
      float[] out = augment(Map.of("horizontalFlip", true), ramp(), seed);
      flipped |= out[0] == 1f && out[S - 1] == 0f;
      kept |= out[0] == 0f && out[S - 1] == 1f;
    }
    assertTrue(flipped && kept, "about half the images are mirrored");
  }

  @Test
  void verticalFlipMirrorsColumns() {
    float[] px = new float[S * S];
    Arrays.fill(px, 0, S, 1f);
    boolean flipped = false;
    for (long seed = 0; seed < 20; seed++) {
      float[] out = augment(Map.of("verticalFlip", true), px, seed);
      flipped |= out[(S - 1) * S] == 1f && out[0] == 0f;
    }
    assertTrue(flipped);
  }

  @Test
  void randomResizedCropZoomsIntoPartOfTheImage() {
    // A crop of at most a quarter of the area, stretched back: the ramp's slope gets steeper or its
    // range narrower.
    float[] out =
        augment(
            Map.of("randomResizedCrop", true, "cropScaleMin", 0.1, "cropScaleMax", 0.25),
            ramp(),
            4);
    float rowRange = out[S - 1] - out[0];
    assertTrue(
        rowRange < 0.75f,
        "a crop of at most half the width sees at most about half the ramp: " + rowRange);
    assertEquals(S * S, out.length);
  }

  @Test
  void cropScaleOfOneKeepsTheWholeImage() {
    float[] out =
        augment(
            Map.of(
                "randomResizedCrop",
                true,
                "cropScaleMin",
                1.0,
                "cropScaleMax",
                1.0,
                "cropRatioMin",
                1.0,
                "cropRatioMax",
                1.0),
            ramp(),
            4);
    assertArrayEquals(ramp(), out, 1e-5f);
  }

  @Test
  void cutoutBlanksOneSquare() {
    float[] ones = new float[S * S];
    Arrays.fill(ones, 1f);
    float[] out = augment(Map.of("cutoutSize", 0.25), ones, 2);
    long blank = zeros(out);
    assertTrue(blank > 0 && blank <= 16, "a 4x4 square at most (clipped at the border): " + blank);
  }

  @Test
  void randomErasingReplacesARectangleWithNoise() {
    float[] ones = new float[S * S];
    Arrays.fill(ones, 1f);
    float[] out = augment(Map.of("randomErasingProbability", 1.0), ones, 3);
    long changed = Arrays.stream(toDouble(out)).filter(v -> v != 1.0).count();
    assertTrue(
        changed >= 0.02 * S * S - 2 && changed <= 0.34 * S * S, "2-33% of the area: " + changed);
    assertArrayEquals(ones, augment(Map.of("randomErasingProbability", 0.0), ones, 3), 0f);
  }

  @Test
  void gridMaskAndHideAndSeekHideARegularShare() {
    float[] ones = new float[S * S];
    Arrays.fill(ones, 1f);
    long grid = zeros(augment(Map.of("gridMaskProbability", 1.0), ones, 5));
    assertTrue(grid > S * S / 10 && grid < S * S / 2, "a grid of squares: " + grid);
    long hidden = 0;
    for (long seed = 0; seed < 40; seed++) {
      long z = zeros(augment(Map.of("hideAndSeekProbability", 1.0), ones, seed));
      assertEquals(0, z % 16, "whole 4x4 patches are hidden");
      hidden += z;
    }
    assertEquals(0.5, hidden / (40.0 * S * S), 0.1, "half of the patches on average");
  }

  @Test
  void colorJitterChangesBrightness() {
    float[] grey = new float[S * S];
    Arrays.fill(grey, 0.5f);
    float[] out = augment(Map.of("colorJitter", 0.4), grey, 7);
    assertTrue(
        out[0] != 0.5f && Math.abs(out[0] - 0.5f) <= 0.2f + 1e-6,
        "brightness within 1 +- 0.4: " + out[0]);
  }

  @Test
  void policiesChangeImagesAndAreReproducible() {
    for (String policy : List.of("autoaugment", "randaugment")) {
      int changed = 0;
      for (long seed = 0; seed < 10; seed++) {
        float[] a = augment(Map.of("autoAugment", policy), ramp(), seed);
        assertArrayEquals(
            a, augment(Map.of("autoAugment", policy), ramp(), seed), 0f, "same seed, same image");
        changed += Arrays.equals(a, ramp()) ? 0 : 1;
      }
      // Some AutoAugment sub-policies apply with low probability or leave a full-range ramp as it
      // is.
      assertTrue(changed >= 3, policy + " changed " + changed + " of 10");
    }
  }

  @Test
  void pointOperationsDoWhatTheirNamesSay() {
    Image image = new Image(1, S, ramp());
    PolicyOps.posterize(image, 1);
    assertTrue(
        Arrays.stream(toDouble(image.px))
            .allMatch(v -> v == 0 || Math.abs(v - 128 / 255.0) < 1e-6));
    Image solar = new Image(1, S, ramp());
    PolicyOps.solarize(solar, 0.5f);
    assertEquals(0f, solar.px[S - 1], 1e-6, "the brightest pixel is inverted");
    assertEquals(0f, solar.px[0], 1e-6, "the darkest stays");
    float[] dim = new float[S * S];
    for (int i = 0; i < dim.length; i++) {
      dim[i] = 0.25f + 0.25f * (i % S) / (S - 1);
    }
    Image contrast = new Image(1, S, dim);
    PolicyOps.autoContrast(contrast);
    assertEquals(0f, contrast.px[0], 1e-6);
    assertEquals(1f, contrast.px[S - 1], 1e-6);
    int big = 32;
    float[] narrow = new float[big * big];
    for (int i = 0; i < narrow.length; i++) {
      narrow[i] = 0.25f + 0.25f * (i % big) / (big - 1);
    }
    Image equalized = new Image(1, big, narrow.clone());
    PolicyOps.equalize(equalized);
    assertFalse(Arrays.equals(narrow, equalized.px), "equalize spreads a narrow histogram");
    assertTrue(equalized.px[big - 1] > 0.9f && equalized.px[0] < 0.1f, "over the whole range");
  }

  @Test
  void validationImagesAreNeverAugmented() {
    float[] out = new float[S * S];
    new Augmenter(
            Recipe.defaults()
                .with(
                    Map.of(
                        "horizontalFlip", true, "cutoutSize", 0.5, "autoAugment", "randaugment")),
            IDENTITY,
            false)
        .apply(ramp(), 1, S, new SplittableRandom(1), out, 0);
    assertArrayEquals(ramp(), out, 0f);
  }

  private static double[] toDouble(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
