package io.kiln.core.labels;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * Stratified k-fold cross-fitting for a label check: every image lands in exactly one fold, each
 * class spread evenly over the folds, the same for the same labels and seed. The model of fold
 * {@code i} trains on the other folds and predicts fold {@code i}, so every image is predicted by a
 * model that never trained on it (out-of-sample probabilities, as confident learning needs).
 */
public final class CrossFit {
  /** cleanlab's default number of folds. */
  public static final int DEFAULT_FOLDS = 5;

  /**
   * At most this many images per fold: a fold's predictions travel in one agent message, and a
   * larger dataset simply gets more folds.
   */
  public static final int MAX_FOLD_IMAGES = 8_000;

  /** One fold as the backend hands it to the agent. */
  public record Fold(int index, int count, long seed) {
    public Fold {
      if (count < 2 || index < 0 || index >= count) {
        throw new IllegalArgumentException(
            "fold " + index + " of " + count + ": need 0 <= fold < folds and folds >= 2");
      }
    }
  }

  /** Which images train and which are predicted in one fold (indices ascending). */
  public record Split(int[] train, int[] heldOut) {}

  private CrossFit() {}

  /** How many folds a dataset of {@code images} needs: 5, more when a fold would be too large. */
  public static int foldsFor(int images) {
    return Math.max(DEFAULT_FOLDS, (images + MAX_FOLD_IMAGES - 1) / MAX_FOLD_IMAGES);
  }

  /** The fold each image is predicted in. */
  public static int[] assign(int[] labels, int folds, long seed) {
    TreeMap<Integer, List<Integer>> byClass = new TreeMap<>();
    for (int i = 0; i < labels.length; i++) {
      byClass.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
    }
    Random random = new Random(seed);
    int[] fold = new int[labels.length];
    int next = 0;
    for (List<Integer> members : byClass.values()) {
      Collections.shuffle(members, random);
      // Continue the round-robin across classes, so small classes do not all start in fold 0.
      for (int member : members) {
        fold[member] = next;
        next = (next + 1) % folds;
      }
    }
    return fold;
  }

  /** The images of {@code fold}: trained on the rest, predicted here. */
  public static Split split(int[] labels, Fold fold) {
    int[] assigned = assign(labels, fold.count(), fold.seed());
    int held = 0;
    for (int f : assigned) {
      held += f == fold.index() ? 1 : 0;
    }
    int[] heldOut = new int[held];
    int[] train = new int[labels.length - held];
    int h = 0;
    int t = 0;
    for (int i = 0; i < assigned.length; i++) {
      if (assigned[i] == fold.index()) {
        heldOut[h++] = i;
      } else {
        train[t++] = i;
      }
    }
    return new Split(train, heldOut);
  }
}
