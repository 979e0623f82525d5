package io.kiln.agent.training.data;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The image operations of AutoAugment and RandAugment (T12), on [0, 1] floats, with the magnitude
 * ranges torchvision uses: {@code m} in [0, 1] maps to the operation's maximum (shear 0.3,
 * translate 45% of the side, rotate 30 degrees, enhance factors 1 +- 0.9, posterize 8 to 4 bits,
 * solarize threshold 1 to 0). Signed operations pick their sign at random.
 */
final class PolicyOps {
  /** RandAugment's operation list. */
  static final List<String> RAND_AUGMENT =
      List.of(
          "Identity",
          "ShearX",
          "ShearY",
          "TranslateX",
          "TranslateY",
          "Rotate",
          "Brightness",
          "Color",
          "Contrast",
          "Sharpness",
          "Posterize",
          "Solarize",
          "AutoContrast",
          "Equalize");

  /**
   * AutoAugment's ImageNet policy (Cubuk et al. 2019): 25 sub-policies of two operations, each as
   * (name, probability, magnitude bin 0-9).
   */
  static final Object[][][] IMAGENET_POLICY = {
    {{"Posterize", 0.4, 8}, {"Rotate", 0.6, 9}}, {{"Solarize", 0.6, 5}, {"AutoContrast", 0.6, 0}},
    {{"Equalize", 0.8, 0}, {"Equalize", 0.6, 0}}, {{"Posterize", 0.6, 7}, {"Posterize", 0.6, 6}},
    {{"Equalize", 0.4, 0}, {"Solarize", 0.2, 4}}, {{"Equalize", 0.4, 0}, {"Rotate", 0.8, 8}},
    {{"Solarize", 0.6, 3}, {"Equalize", 0.6, 0}}, {{"Posterize", 0.8, 5}, {"Equalize", 1.0, 0}},
    {{"Rotate", 0.2, 3}, {"Solarize", 0.6, 8}}, {{"Equalize", 0.6, 0}, {"Posterize", 0.4, 6}},
    {{"Rotate", 0.8, 8}, {"Color", 0.4, 0}}, {{"Rotate", 0.4, 9}, {"Equalize", 0.6, 0}},
    {{"Equalize", 0.0, 0}, {"Equalize", 0.8, 0}}, {{"Invert", 0.6, 0}, {"Equalize", 1.0, 0}},
    {{"Color", 0.6, 4}, {"Contrast", 1.0, 8}}, {{"Rotate", 0.8, 8}, {"Color", 1.0, 2}},
    {{"Color", 0.8, 8}, {"Solarize", 0.8, 7}}, {{"Sharpness", 0.4, 7}, {"Invert", 0.6, 0}},
    {{"ShearX", 0.6, 5}, {"Equalize", 1.0, 0}}, {{"Color", 0.4, 0}, {"Equalize", 0.6, 0}},
    {{"Equalize", 0.4, 0}, {"Solarize", 0.2, 4}}, {{"Solarize", 0.6, 5}, {"AutoContrast", 0.6, 0}},
    {{"Invert", 0.6, 0}, {"Equalize", 1.0, 0}}, {{"Color", 0.6, 4}, {"Contrast", 1.0, 8}},
    {{"Equalize", 0.8, 0}, {"Equalize", 0.6, 0}}
  };

  private PolicyOps() {}

  static void autoAugment(Image image, SplittableRandom rng) {
    Object[][] policy = IMAGENET_POLICY[rng.nextInt(IMAGENET_POLICY.length)];
    for (Object[] op : policy) {
      if (rng.nextDouble() < (Double) op[1]) {
        apply(image, (String) op[0], (Integer) op[2] / 9.0, rng);
      }
    }
  }

  static void randAugment(Image image, int ops, int magnitude, SplittableRandom rng) {
    for (int i = 0; i < ops; i++) {
      apply(image, RAND_AUGMENT.get(rng.nextInt(RAND_AUGMENT.size())), magnitude / 30.0, rng);
    }
  }

  static void apply(Image image, String op, double m, SplittableRandom rng) {
    double sign = rng.nextBoolean() ? 1 : -1;
    switch (op) {
      case "Identity" -> {}
      case "ShearX" -> image.affine(1, 0.3 * m * sign, 0, 1, 0, 0);
      case "ShearY" -> image.affine(1, 0, 0.3 * m * sign, 1, 0, 0);
      case "TranslateX" -> image.affine(1, 0, 0, 1, 0.45 * m * image.size * sign, 0);
      case "TranslateY" -> image.affine(1, 0, 0, 1, 0, 0.45 * m * image.size * sign);
      case "Rotate" -> {
        double theta = Math.toRadians(30 * m * sign);
        image.affine(Math.cos(theta), -Math.sin(theta), Math.sin(theta), Math.cos(theta), 0, 0);
      }
      case "Brightness" -> image.blend(new float[image.px.length], (float) (1 + 0.9 * m * sign));
      case "Color" -> image.blend(image.grayscale(), (float) (1 + 0.9 * m * sign));
      case "Contrast" -> {
        float[] grey = new float[image.px.length];
        java.util.Arrays.fill(grey, mean(image.grayscale()));
        image.blend(grey, (float) (1 + 0.9 * m * sign));
      }
      case "Sharpness" -> image.blend(smoothed(image), (float) (1 + 0.9 * m * sign));
      case "Posterize" -> posterize(image, 8 - (int) Math.round(4 * m));
      case "Solarize" -> solarize(image, (float) (1 - m));
      case "AutoContrast" -> autoContrast(image);
      case "Equalize" -> equalize(image);
      case "Invert" -> {
        for (int i = 0; i < image.px.length; i++) {
          image.px[i] = 1 - image.px[i];
        }
      }
      default -> throw new IllegalArgumentException("unknown augmentation operation " + op);
    }
  }

  private static float mean(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    return (float) (sum / values.length);
  }

  /** PIL's SMOOTH filter (centre weight 5, neighbours 1), borders kept. */
  private static float[] smoothed(Image image) {
    float[] out = image.px.clone();
    int s = image.size;
    for (int c = 0; c < image.channels; c++) {
      for (int y = 1; y < s - 1; y++) {
        for (int x = 1; x < s - 1; x++) {
          float sum = 4 * image.get(c, y, x);
          for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
              sum += image.get(c, y + dy, x + dx);
            }
          }
          out[c * s * s + y * s + x] = sum / 13f;
        }
      }
    }
    return out;
  }

  static void posterize(Image image, int bits) {
    int mask = ~((1 << (8 - bits)) - 1) & 0xff;
    for (int i = 0; i < image.px.length; i++) {
      int v = Math.round(image.px[i] * 255);
      image.px[i] = (v & mask) / 255f;
    }
  }

  static void solarize(Image image, float threshold) {
    for (int i = 0; i < image.px.length; i++) {
      if (image.px[i] >= threshold) {
        image.px[i] = 1 - image.px[i];
      }
    }
  }

  static void autoContrast(Image image) {
    int plane = image.plane();
    for (int c = 0; c < image.channels; c++) {
      float lo = Float.MAX_VALUE;
      float hi = -Float.MAX_VALUE;
      for (int p = c * plane; p < (c + 1) * plane; p++) {
        lo = Math.min(lo, image.px[p]);
        hi = Math.max(hi, image.px[p]);
      }
      if (hi - lo > 1e-6) {
        for (int p = c * plane; p < (c + 1) * plane; p++) {
          image.px[p] = (image.px[p] - lo) / (hi - lo);
        }
      }
    }
  }

  /** Histogram equalization per channel over 256 levels, as PIL's ImageOps.equalize. */
  static void equalize(Image image) {
    int plane = image.plane();
    for (int c = 0; c < image.channels; c++) {
      int[] histogram = new int[256];
      for (int p = c * plane; p < (c + 1) * plane; p++) {
        histogram[Math.round(image.px[p] * 255)]++;
      }
      int last = 255;
      while (last > 0 && histogram[last] == 0) {
        last--;
      }
      int step = (plane - histogram[last]) / 255;
      if (step == 0) {
        continue;
      }
      int[] lut = new int[256];
      int n = step / 2;
      for (int i = 0; i < 256; i++) {
        lut[i] = Math.min(255, n / step);
        n += histogram[i];
      }
      for (int p = c * plane; p < (c + 1) * plane; p++) {
        image.px[p] = lut[Math.round(image.px[p] * 255)] / 255f;
      }
    }
  }
}
