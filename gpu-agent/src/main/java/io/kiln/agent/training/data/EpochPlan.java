package io.kiln.agent.training.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which images go into which batch in one epoch: the training split shuffled anew each epoch from
 * the seed (T16), optionally with the smaller classes oversampled to the size of the largest (T16:
 * in the training split only), and validation in order.
 */
public final class EpochPlan {
  private EpochPlan() {}

  public static List<int[]> train(
      int[] indices,
      int[] labels,
      int classes,
      boolean balance,
      int batchSize,
      long seed,
      int epoch) {
    SplittableRandom rng = Sampling.forBatch(seed, epoch, -1, true);
    int[] order = balance ? balanced(indices, labels, classes, rng) : indices.clone();
    Sampling.shuffle(order, rng);
    // Dropping the last partial batch keeps batch-norm statistics sane (a batch of one has no
    // variance).
    return batches(order, batchSize, order.length > batchSize);
  }

  public static List<int[]> validation(int[] indices, int batchSize) {
    return batches(indices, batchSize, false);
  }

  /** Training batches per epoch for this many training images (after balancing). */
  public static int stepsPerEpoch(int count, int batchSize) {
    return count > batchSize ? count / batchSize : 1;
  }

  /** How many training images an epoch holds after balancing. */
  public static int epochSize(int[] indices, int[] labels, int classes, boolean balance) {
    if (!balance) {
      return indices.length;
    }
    int[] counts = counts(indices, labels, classes);
    int max = Arrays.stream(counts).max().orElse(0);
    return (int) Arrays.stream(counts).filter(c -> c > 0).count() * max;
  }

  static int[] balanced(int[] indices, int[] labels, int classes, SplittableRandom rng) {
    List<List<Integer>> byClass = new ArrayList<>();
    for (int k = 0; k < classes; k++) {
      byClass.add(new ArrayList<>());
    }
    for (int index : indices) {
      byClass.get(labels[index]).add(index);
    }
    int max = byClass.stream().mapToInt(List::size).max().orElse(0);
    List<Integer> out = new ArrayList<>();
    for (List<Integer> members : byClass) {
      if (members.isEmpty()) {
        continue;
      }
      out.addAll(members);
      for (int extra = members.size(); extra < max; extra++) {
        out.add(members.get(rng.nextInt(members.size())));
      }
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int[] counts(int[] indices, int[] labels, int classes) {
    int[] counts = new int[classes];
    for (int index : indices) {
      counts[labels[index]]++;
    }
    return counts;
  }

  private static List<int[]> batches(int[] order, int batchSize, boolean dropLast) {
    List<int[]> batches = new ArrayList<>();
    for (int start = 0; start < order.length; start += batchSize) {
      int end = Math.min(order.length, start + batchSize);
      if (dropLast && end - start < batchSize) {
        break;
      }
      batches.add(Arrays.copyOfRange(order, start, end));
    }
    return batches;
  }
}
