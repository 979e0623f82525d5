package io.kiln.agent.training;

import io.kiln.core.pretrained.PretrainedCatalogue;
import io.kiln.core.recipe.Recipe;

/**
 * Per-channel mean and standard deviation applied to every input (T12): the training split's own
 * statistics (fitted on training images only so validation stays unseen), 0.5 and 0.5, which maps
 * pixels to [-1, 1], or ImageNet's, which networks pretrained on ImageNet expect (T13).
 */
public record Normalization(float[] mean, float[] std) {

  public static Normalization forRecipe(Recipe recipe, LabelledImages images, int[] trainIndices) {
    if ("imagenet".equals(recipe.normalization())) {
      return imagenet(images.channels());
    }
    if ("minus-one-one".equals(recipe.normalization())) {
      float[] half = new float[images.channels()];
      java.util.Arrays.fill(half, 0.5f);
      return new Normalization(half, half.clone());
    }
    return fit(images, trainIndices);
  }

  /** ImageNet's statistics; one channel gets the average of the three (gray is R = G = B). */
  static Normalization imagenet(int channels) {
    if (channels == 3) {
      return new Normalization(
          PretrainedCatalogue.IMAGENET_MEAN.clone(), PretrainedCatalogue.IMAGENET_STD.clone());
    }
    float mean = 0;
    float std = 0;
    for (int c = 0; c < 3; c++) {
      mean += PretrainedCatalogue.IMAGENET_MEAN[c] / 3;
      std += PretrainedCatalogue.IMAGENET_STD[c] / 3;
    }
    float[] m = new float[channels];
    float[] s = new float[channels];
    java.util.Arrays.fill(m, mean);
    java.util.Arrays.fill(s, std);
    return new Normalization(m, s);
  }

  /** No change: for inputs that are already features (the head on stored features, T14). */
  static Normalization identity(int channels) {
    float[] m = new float[channels];
    float[] s = new float[channels];
    java.util.Arrays.fill(s, 1f);
    return new Normalization(m, s);
  }

  public static Normalization fit(LabelledImages images, int[] indices) {
    int channels = images.channels();
    int plane = images.size() * images.size();
    double[] sum = new double[channels];
    double[] sumSq = new double[channels];
    for (int index : indices) {
      float[] px = images.pixels()[index];
      for (int c = 0; c < channels; c++) {
        for (int p = c * plane; p < (c + 1) * plane; p++) {
          sum[c] += px[p];
          sumSq[c] += (double) px[p] * px[p];
        }
      }
    }
    float[] mean = new float[channels];
    float[] std = new float[channels];
    double n = (double) indices.length * plane;
    for (int c = 0; c < channels; c++) {
      mean[c] = (float) (sum[c] / n);
      double variance = Math.max(0, sumSq[c] / n - mean[c] * (double) mean[c]);
      std[c] = (float) Math.max(Math.sqrt(variance), 1e-3);
    }
    return new Normalization(mean, std);
  }

  /** Writes {@code (px - mean) / std} of one CHW image into {@code out} at {@code offset}. */
  public void normalize(float[] px, int channels, int plane, float[] out, int offset) {
    for (int c = 0; c < channels; c++) {
      float m = mean[c];
      float inv = 1f / std[c];
      int base = c * plane;
      for (int p = 0; p < plane; p++) {
        out[offset + base + p] = (px[base + p] - m) * inv;
      }
    }
  }
}
