package io.kiln.agent.training.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Shuffling per epoch and class-balanced oversampling of the training split (T16). */
class EpochPlanTest {
  // 90 images of class 0, 10 of class 1
  static final int[] LABELS = IntStream.range(0, 100).map(i -> i < 90 ? 0 : 1).toArray();
  static final int[] ALL = IntStream.range(0, 100).toArray();

  @Test
  void balancingOversamplesTheSmallClassToTheLargest() {
    List<int[]> batches = EpochPlan.train(ALL, LABELS, 2, true, 10, 1, 1);
    int[] counts = new int[2];
    batches.forEach(b -> Arrays.stream(b).forEach(i -> counts[LABELS[i]]++));
    assertArrayEquals(new int[] {90, 90}, counts);
    assertEquals(180, EpochPlan.epochSize(ALL, LABELS, 2, true));
    long distinctSmall =
        batches.stream().flatMapToInt(Arrays::stream).filter(i -> i >= 90).distinct().count();
    assertEquals(10, distinctSmall, "every original image of the small class is in");
  }

  @Test
  void withoutBalancingEveryImageOnceAndALastPartialBatchDropped() {
    List<int[]> batches = EpochPlan.train(ALL, LABELS, 2, false, 32, 1, 1);
    assertEquals(3, batches.size());
    assertEquals(96, batches.stream().mapToInt(b -> b.length).sum());
    assertEquals(96, batches.stream().flatMapToInt(Arrays::stream).distinct().count());
  }

  @Test
  void orderIsReproducibleAndChangesEveryEpoch() {
    int[] a = EpochPlan.train(ALL, LABELS, 2, false, 100, 7, 1).get(0);
    int[] again = EpochPlan.train(ALL, LABELS, 2, false, 100, 7, 1).get(0);
    int[] next = EpochPlan.train(ALL, LABELS, 2, false, 100, 7, 2).get(0);
    assertArrayEquals(a, again);
    assertFalse(Arrays.equals(a, next));
  }
}
