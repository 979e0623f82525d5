package io.kiln.core.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

/**
 * Splits labelled samples into train and validation sets that keep each class's proportion (T16).
 *
 * <p>Deterministic for a given seed. Every class with at least two samples keeps at least one in
 * each split, so validation accuracy is defined for every class.
 */
public final class StratifiedSplit {
  private StratifiedSplit() {}

  /** Indices into {@code labels} for training and validation. */
  public record Split(int[] train, int[] validation) {}

  public static Split of(int[] labels, double validationFraction, long seed) {
    TreeMap<Integer, List<Integer>> byClass = new TreeMap<>();
    for (int i = 0; i < labels.length; i++) {
      byClass.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
    }
    Random random = new Random(seed);
    List<Integer> train = new ArrayList<>();
    List<Integer> validation = new ArrayList<>();
    for (List<Integer> members : byClass.values()) {
      Collections.shuffle(members, random);
      int n = members.size();
      int val = (int) Math.round(n * validationFraction);
      if (n >= 2) {
        val = Math.max(1, Math.min(n - 1, val));
      } else {
        val = 0;
      }
      validation.addAll(members.subList(0, val));
      train.addAll(members.subList(val, n));
    }
    Collections.sort(train);
    Collections.sort(validation);
    return new Split(toArray(train), toArray(validation));
  }

  private static int[] toArray(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }
}
