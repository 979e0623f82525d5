package io.kiln.agent.training.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * Global-norm gradient clipping (T18): if the L2 norm of all gradients together exceeds the limit,
 * every gradient is scaled by limit / norm, keeping its direction. DJL's {@code optClipGrad} only
 * clamps each value from above, which changes the direction and never helps a negative explosion.
 */
public final class GradientClipping {
  private GradientClipping() {}

  /** The global L2 norm of the gradients of the trainable parameters. */
  public static double globalNorm(List<NDArray> gradients) {
    double sum = 0;
    for (NDArray g : gradients) {
      try (NDArray squared = g.square();
          NDArray total = squared.sum()) {
        sum += total.getFloat();
      }
    }
    return Math.sqrt(sum);
  }

  /**
   * Scales the gradients in place so their global norm is at most {@code maxNorm}; returns the norm
   * before.
   */
  public static double clip(List<NDArray> gradients, double maxNorm) {
    double norm = globalNorm(gradients);
    if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
      float scale = (float) (maxNorm / (norm + 1e-6));
      for (NDArray g : gradients) {
        g.muli(scale);
      }
    }
    return norm;
  }

  /** The gradient arrays (sharing storage with the engine's) of every trainable parameter. */
  public static List<NDArray> gradients(Iterable<Parameter> parameters, NDManager scope) {
    List<NDArray> grads = new ArrayList<>();
    for (Parameter p : parameters) {
      if (p.requiresGradient() && p.getArray().hasGradient()) {
        NDArray g = p.getArray().getGradient();
        g.attach(scope);
        grads.add(g);
      }
    }
    return grads;
  }
}
