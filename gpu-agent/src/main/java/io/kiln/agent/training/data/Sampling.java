package io.kiln.agent.training.data;

import java.util.SplittableRandom;

/** Random draws the augmentations need, from a seeded generator so every batch is reproducible. */
public final class Sampling {
  private Sampling() {}

  /** A generator for one batch of one epoch: independent of thread scheduling and of resumes. */
  public static SplittableRandom forBatch(long seed, int epoch, int batch, boolean train) {
    long h =
        seed * 0x9E3779B97F4A7C15L
            + epoch * 0xC2B2AE3D27D4EB4FL
            + batch * 0x165667B19E3779F9L
            + (train ? 1 : 2);
    return new SplittableRandom(h);
  }

  public static double normal(SplittableRandom rng) {
    double u = Math.max(1e-300, rng.nextDouble());
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
  }

  /** Gamma(shape, 1) by Marsaglia and Tsang, boosted for shape below 1. */
  public static double gamma(double shape, SplittableRandom rng) {
    if (shape < 1) {
      return gamma(shape + 1, rng) * Math.pow(rng.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = normal(rng);
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = rng.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  public static double beta(double alpha, SplittableRandom rng) {
    double a = gamma(alpha, rng);
    double b = gamma(alpha, rng);
    return a + b == 0 ? 0.5 : a / (a + b);
  }

  /** A random permutation of 0..n-1 (Fisher-Yates). */
  public static int[] permutation(int n, SplittableRandom rng) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    shuffle(p, rng);
    return p;
  }

  public static void shuffle(int[] values, SplittableRandom rng) {
    for (int i = values.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = values[i];
      values[i] = values[j];
      values[j] = t;
    }
  }
}
