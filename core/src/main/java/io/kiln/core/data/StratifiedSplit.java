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

  /**
   * About how many of {@code total} images train when a dataset without its own splits holds out
   * {@code validationFraction} of them: the one estimate the backend and tests use before the agent
   * splits per class (exact to within one image per class).
   */
  public static int approximateTrainCount(int total, double validationFraction) {
    return (int) Math.round(total * (1 - validationFraction));
  }

  /** Indices into {@code labels} for training and validation. */
  public record Split(int[] train, int[] validation) {}

  public static Split of(int[] labels, double validationFraction, long seed) {
    ThreeWay split = of(labels, validationFraction, 0, seed);
    return new Split(split.train(), split.validation());
  }

  /** Indices into the labels for training, validation and the held-out test split. */
  public record ThreeWay(int[] train, int[] validation, int[] test) {}

  /**
   * Train / validation / test split per class (T16: keep a separate test split, so a lucky
   * validation spike is not mistaken for quality). Each split takes {@code round(n * fraction)} of
   * a class's n samples, so proportions are within one sample of the target; a class of three or
   * more keeps at least one sample in every split with a non-zero fraction, a class of two gives
   * one to validation and none to test.
   */
  public static ThreeWay of(
      int[] labels, double validationFraction, double testFraction, long seed) {
    TreeMap<Integer, List<Integer>> byClass = new TreeMap<>();
    for (int i = 0; i < labels.length; i++) {
      byClass.computeIfAbsent(labels[i], k -> new ArrayList<>()).add(i);
    }
    Random random = new Random(seed);
    List<Integer> train = new ArrayList<>();
    List<Integer> validation = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (List<Integer> members : byClass.values()) {
      Collections.shuffle(members, random);
      int n = members.size();
      int val = (int) Math.round(n * validationFraction);
      int held = (int) Math.round(n * testFraction);
      if (n >= 3) {
        val = validationFraction > 0 ? Math.max(1, val) : 0;
        held = testFraction > 0 ? Math.max(1, held) : 0;
        while (val + held > n - 1) {
          if (held >= val && held > 1 || val <= 1) {
            held--;
          } else {
            val--;
          }
        }
      } else {
        val = n == 2 && validationFraction > 0 ? 1 : 0;
        held = 0;
      }
      validation.addAll(members.subList(0, val));
      test.addAll(members.subList(val, val + held));
      train.addAll(members.subList(val + held, n));
    }
    Collections.sort(train);
    Collections.sort(validation);
    Collections.sort(test);
    return new ThreeWay(toArray(train), toArray(validation), toArray(test));
  }

  private static int[] toArray(List<Integer> list) {
    return list.stream().mapToInt(Integer::intValue).toArray();
  }
}
