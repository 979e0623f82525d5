package io.kiln.agent.training.data;

import io.kiln.core.recipe.Recipe;
import java.util.SplittableRandom;

/**
 * Builds a batch's soft targets: label smoothing (T10), and mixup or CutMix (T12), which blend each
 * image with a partner from the same batch and weight the two labels by the share of the image each
 * contributed (for CutMix, the pasted box's exact area after clipping).
 */
public final class Mixer {
  /** What was done to a batch, for the targets and for tests. */
  public record Mix(String kind, double lambda, int[] partner, int[] box) {
    static final Mix NONE = new Mix("none", 1.0, null, null);
  }

  private final Recipe recipe;
  private final int classes;

  public Mixer(Recipe recipe, int classes) {
    this.recipe = recipe;
    this.classes = classes;
  }

  /**
   * Mixes {@code data} (n CHW images) in place when the recipe asks for it and returns what it did.
   */
  public Mix mix(float[] data, int n, int channels, int size, SplittableRandom rng) {
    double u = rng.nextDouble();
    double mixupShare = recipe.mixupAlpha() > 0 ? recipe.mixupProbability() : 0;
    double cutmixShare = recipe.cutmixAlpha() > 0 ? recipe.cutmixProbability() : 0;
    if (n < 2 || u >= mixupShare + cutmixShare) {
      return Mix.NONE;
    }
    int[] partner = Sampling.permutation(n, rng);
    float[] original = data.clone();
    int per = channels * size * size;
    if (u < mixupShare) {
      float lambda = (float) Sampling.beta(recipe.mixupAlpha(), rng);
      for (int i = 0; i < n; i++) {
        int a = i * per;
        int b = partner[i] * per;
        for (int p = 0; p < per; p++) {
          data[a + p] = lambda * original[a + p] + (1 - lambda) * original[b + p];
        }
      }
      return new Mix("mixup", lambda, partner, null);
    }
    double lambda = Sampling.beta(recipe.cutmixAlpha(), rng);
    int[] box = cutBox(size, lambda, rng);
    int plane = size * size;
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < channels; c++) {
        for (int y = box[0]; y < box[2]; y++) {
          int row = i * per + c * plane + y * size;
          int source = partner[i] * per + c * plane + y * size;
          System.arraycopy(original, source + box[1], data, row + box[1], box[3] - box[1]);
        }
      }
    }
    double pasted = (box[2] - box[0]) * (double) (box[3] - box[1]) / plane;
    return new Mix("cutmix", 1 - pasted, partner, box);
  }

  /**
   * Yun et al.: a box of side sqrt(1 - lambda) around a uniform centre, clipped: {top, left,
   * bottom, right}.
   */
  static int[] cutBox(int size, double lambda, SplittableRandom rng) {
    int cut = (int) (size * Math.sqrt(1 - lambda));
    int cy = rng.nextInt(size);
    int cx = rng.nextInt(size);
    int top = Math.max(0, cy - cut / 2);
    int bottom = Math.min(size, cy + cut / 2);
    int left = Math.max(0, cx - cut / 2);
    int right = Math.min(size, cx + cut / 2);
    return new int[] {top, left, bottom, right};
  }

  /** Soft targets (n x classes): smoothed one-hot labels, blended by the mix's weights. */
  public float[] targets(int[] labels, Mix mix) {
    int n = labels.length;
    float eps = (float) recipe.labelSmoothing();
    float off = eps / classes;
    float on = 1 - eps + off;
    float[] targets = new float[n * classes];
    for (int i = 0; i < n; i++) {
      float own = (float) mix.lambda();
      for (int k = 0; k < classes; k++) {
        targets[i * classes + k] = off;
      }
      targets[i * classes + labels[i]] += own * (on - off);
      if (mix.partner() != null) {
        targets[i * classes + labels[mix.partner()[i]]] += (1 - own) * (on - off);
      }
    }
    return targets;
  }
}
