package io.kiln.core.labels;

import java.util.Arrays;

/**
 * One image's out-of-sample prediction: its given class and the probabilities of the classes the
 * model ranked highest (any class not listed counts as 0). The given class is always listed.
 *
 * @param given the class the image is filed under
 * @param classes class indices, most probable first
 * @param probabilities the probability of each listed class
 */
public record Prediction(int given, int[] classes, double[] probabilities) {
  public Prediction {
    if (classes.length != probabilities.length) {
      throw new IllegalArgumentException("one probability per listed class");
    }
    boolean listsGiven = false;
    for (int c : classes) {
      listsGiven |= c == given;
    }
    if (!listsGiven) {
      throw new IllegalArgumentException("the given class " + given + " must be listed");
    }
  }

  /** A full softmax: keeps the {@code top} most probable classes plus the given one. */
  public static Prediction of(int given, float[] softmax, int top) {
    Integer[] order = new Integer[softmax.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Float.compare(softmax[b], softmax[a]));
    int kept = Math.min(top, softmax.length);
    boolean givenKept = false;
    for (int i = 0; i < kept; i++) {
      givenKept |= order[i] == given;
    }
    int n = givenKept ? kept : kept + 1;
    int[] classes = new int[n];
    double[] probabilities = new double[n];
    for (int i = 0; i < kept; i++) {
      classes[i] = order[i];
      probabilities[i] = softmax[order[i]];
    }
    if (!givenKept) {
      classes[kept] = given;
      probabilities[kept] = softmax[given];
    }
    return new Prediction(given, classes, probabilities);
  }

  /** The probability of class {@code c} (0 when not listed). */
  public double probability(int c) {
    for (int i = 0; i < classes.length; i++) {
      if (classes[i] == c) {
        return probabilities[i];
      }
    }
    return 0;
  }

  /** The model's confidence in the given class. */
  public double selfConfidence() {
    return probability(given);
  }

  /** The most probable class. */
  public int predicted() {
    int best = 0;
    for (int i = 1; i < classes.length; i++) {
      if (probabilities[i] > probabilities[best]) {
        best = i;
      }
    }
    return classes[best];
  }

  /** The most probable class other than the given one, or -1 when none is listed. */
  public int bestOther() {
    int best = -1;
    for (int i = 0; i < classes.length; i++) {
      if (classes[i] != given && (best < 0 || probabilities[i] > probabilities[best])) {
        best = i;
      }
    }
    return best < 0 ? -1 : classes[best];
  }
}
