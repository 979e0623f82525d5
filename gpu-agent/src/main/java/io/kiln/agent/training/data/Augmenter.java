package io.kiln.agent.training.data;

import io.kiln.agent.training.Normalization;
import io.kiln.core.recipe.Recipe;
import java.util.SplittableRandom;

/**
 * Turns one cached image into one training input: the recipe's per-image augmentations (T11, T12)
 * in the usual order, then normalization, then the erasing family, which fills with 0 (the mean
 * after normalization) or, for random erasing, with noise. Mixup and CutMix act on whole batches
 * ({@link Mixer}). Validation images only get normalized.
 */
public final class Augmenter {
  private final Recipe recipe;
  private final Normalization normalization;
  private final boolean train;

  public Augmenter(Recipe recipe, Normalization normalization, boolean train) {
    this.recipe = recipe;
    this.normalization = normalization;
    this.train = train;
  }

  /** Writes the augmented, normalized image into {@code out} at {@code offset}. */
  public void apply(
      float[] pixels, int channels, int size, SplittableRandom rng, float[] out, int offset) {
    if (!train) {
      normalization.normalize(pixels, channels, size * size, out, offset);
      return;
    }
    Image image = new Image(channels, size, pixels.clone());
    if (recipe.randomResizedCrop()) {
      randomResizedCrop(image, rng);
    }
    if (recipe.horizontalFlip() && rng.nextBoolean()) {
      image.flipHorizontal();
    }
    if (recipe.verticalFlip() && rng.nextBoolean()) {
      image.flipVertical();
    }
    switch (recipe.autoAugment()) {
      case "autoaugment" -> PolicyOps.autoAugment(image, rng);
      case "randaugment" ->
          PolicyOps.randAugment(image, recipe.randAugmentOps(), recipe.randAugmentMagnitude(), rng);
      default -> {}
    }
    if (recipe.colorJitter() > 0) {
      colorJitter(image, (float) recipe.colorJitter(), rng);
    }
    float[] normalized = new float[image.px.length];
    normalization.normalize(image.px, channels, size * size, normalized, 0);
    erase(new Image(channels, size, normalized), rng);
    System.arraycopy(normalized, 0, out, offset, normalized.length);
  }

  /**
   * torchvision's RandomResizedCrop sampling: 10 tries at a random area and log-uniform ratio
   * (T11).
   */
  void randomResizedCrop(Image image, SplittableRandom rng) {
    int s = image.size;
    double area = (double) s * s;
    double logMin = Math.log(recipe.cropRatioMin());
    double logMax = Math.log(recipe.cropRatioMax());
    for (int attempt = 0; attempt < 10; attempt++) {
      double target =
          area
              * (recipe.cropScaleMin()
                  + rng.nextDouble() * (recipe.cropScaleMax() - recipe.cropScaleMin()));
      double ratio = Math.exp(logMin + rng.nextDouble() * (logMax - logMin));
      int w = (int) Math.round(Math.sqrt(target * ratio));
      int h = (int) Math.round(Math.sqrt(target / ratio));
      if (w > 0 && h > 0 && w <= s && h <= s) {
        int top = rng.nextInt(s - h + 1);
        int left = rng.nextInt(s - w + 1);
        image.cropResize(top, left, h, w);
        return;
      }
    }
    // Fallback: the whole image, as torchvision does when the ratio range cannot fit.
  }

  private static void colorJitter(Image image, float strength, SplittableRandom rng) {
    image.blend(new float[image.px.length], 1 + strength * (float) (2 * rng.nextDouble() - 1));
    float[] grey = new float[image.px.length];
    java.util.Arrays.fill(grey, image.mean());
    image.blend(grey, 1 + strength * (float) (2 * rng.nextDouble() - 1));
    if (image.channels == 3) {
      image.blend(image.grayscale(), 1 + strength * (float) (2 * rng.nextDouble() - 1));
    }
  }

  private void erase(Image image, SplittableRandom rng) {
    int s = image.size;
    if (recipe.cutoutSize() > 0) {
      int side = Math.max(1, (int) Math.round(recipe.cutoutSize() * s));
      int top = rng.nextInt(s) - side / 2;
      int left = rng.nextInt(s) - side / 2;
      image.fill(top, left, top + side, left + side, 0f);
    }
    if (rng.nextDouble() < recipe.randomErasingProbability()) {
      randomErasing(image, rng);
    }
    if (rng.nextDouble() < recipe.gridMaskProbability()) {
      gridMask(image, rng);
    }
    if (rng.nextDouble() < recipe.hideAndSeekProbability()) {
      hideAndSeek(image, rng);
    }
  }

  /**
   * Zhong et al.: a rectangle of 2-33% of the area with ratio 0.3-3.3, filled with N(0, 1) noise.
   */
  static boolean randomErasing(Image image, SplittableRandom rng) {
    int s = image.size;
    for (int attempt = 0; attempt < 10; attempt++) {
      double target = s * s * (0.02 + rng.nextDouble() * 0.31);
      double ratio = Math.exp(Math.log(0.3) + rng.nextDouble() * (Math.log(3.3) - Math.log(0.3)));
      int h = (int) Math.round(Math.sqrt(target * ratio));
      int w = (int) Math.round(Math.sqrt(target / ratio));
      if (h > 0 && w > 0 && h < s && w < s) {
        int top = rng.nextInt(s - h + 1);
        int left = rng.nextInt(s - w + 1);
        for (int c = 0; c < image.channels; c++) {
          for (int y = top; y < top + h; y++) {
            for (int x = left; x < left + w; x++) {
              image.px[c * s * s + y * s + x] = (float) Sampling.normal(rng);
            }
          }
        }
        return true;
      }
    }
    return false;
  }

  /**
   * Chen et al.: blank a regular grid of squares, half of each grid unit, at a random unit and
   * offset.
   */
  static void gridMask(Image image, SplittableRandom rng) {
    int s = image.size;
    int unit = Math.max(2, s / 7 + rng.nextInt(Math.max(1, s / 3 - s / 7 + 1)));
    int side = Math.max(1, unit / 2);
    int offY = rng.nextInt(unit);
    int offX = rng.nextInt(unit);
    for (int y = offY - unit; y < s; y += unit) {
      for (int x = offX - unit; x < s; x += unit) {
        image.fill(y, x, y + side, x + side, 0f);
      }
    }
  }

  /** Singh and Lee: split into a 4x4 grid and hide each patch with probability 1/2. */
  static void hideAndSeek(Image image, SplittableRandom rng) {
    int s = image.size;
    int grid = 4;
    for (int gy = 0; gy < grid; gy++) {
      for (int gx = 0; gx < grid; gx++) {
        if (rng.nextBoolean()) {
          image.fill(gy * s / grid, gx * s / grid, (gy + 1) * s / grid, (gx + 1) * s / grid, 0f);
        }
      }
    }
  }
}
