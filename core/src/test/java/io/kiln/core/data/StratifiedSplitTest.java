package io.kiln.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StratifiedSplitTest {
  @Test
  void keepsClassProportionsAndCoversEverySampleOnce() {
    int[] labels = IntStream.range(0, 300).map(i -> i < 200 ? 0 : 1).toArray();
    StratifiedSplit.Split split = StratifiedSplit.of(labels, 0.2, 1);
    assertEquals(40, Arrays.stream(split.validation()).filter(i -> labels[i] == 0).count());
    assertEquals(20, Arrays.stream(split.validation()).filter(i -> labels[i] == 1).count());
    int[] all =
        IntStream.concat(Arrays.stream(split.train()), Arrays.stream(split.validation()))
            .sorted()
            .toArray();
    assertArrayEquals(IntStream.range(0, 300).toArray(), all);
  }

  @Test
  void sameSeedSameSplitOtherSeedOtherSplit() {
    int[] labels = IntStream.range(0, 100).map(i -> i % 4).toArray();
    assertArrayEquals(
        StratifiedSplit.of(labels, 0.3, 7).validation(),
        StratifiedSplit.of(labels, 0.3, 7).validation());
    assertEquals(
        false,
        Arrays.equals(
            StratifiedSplit.of(labels, 0.3, 7).validation(),
            StratifiedSplit.of(labels, 0.3, 8).validation()));
  }

  @Test
  void tinyClassesKeepOneSampleOnEachSide() {
    int[] labels = {0, 0, 1, 1, 1};
    StratifiedSplit.Split split = StratifiedSplit.of(labels, 0.01, 3);
    assertEquals(2, split.validation().length);
    assertEquals(3, split.train().length);
  }

  @Test
  void threeWaySplitIsStratifiedWithinOneImageAndDeterministic() {
    int[] labels = new int[1000];
    int[] sizes = {500, 300, 150, 47, 3};
    int at = 0;
    for (int c = 0; c < sizes.length; c++) {
      for (int i = 0; i < sizes[c]; i++) {
        labels[at++] = c;
      }
    }
    StratifiedSplit.ThreeWay split =
        StratifiedSplit.of(java.util.Arrays.copyOf(labels, at), 0.1, 0.1, 7);
    for (int c = 0; c < sizes.length; c++) {
      final int cls = c;
      long val = java.util.Arrays.stream(split.validation()).filter(i -> labels[i] == cls).count();
      long test = java.util.Arrays.stream(split.test()).filter(i -> labels[i] == cls).count();
      long train = java.util.Arrays.stream(split.train()).filter(i -> labels[i] == cls).count();
      org.junit.jupiter.api.Assertions.assertEquals(sizes[c], val + test + train);
      org.junit.jupiter.api.Assertions.assertTrue(
          Math.abs(val - sizes[c] * 0.1) <= 1, "val of class " + c);
      org.junit.jupiter.api.Assertions.assertTrue(
          Math.abs(test - sizes[c] * 0.1) <= 1, "test of class " + c);
      org.junit.jupiter.api.Assertions.assertTrue(
          val >= 1 && test >= 1 && train >= 1, "class " + c);
    }
    StratifiedSplit.ThreeWay again =
        StratifiedSplit.of(java.util.Arrays.copyOf(labels, at), 0.1, 0.1, 7);
    org.junit.jupiter.api.Assertions.assertArrayEquals(split.test(), again.test());
    org.junit.jupiter.api.Assertions.assertFalse(
        java.util.Arrays.equals(
            split.test(),
            StratifiedSplit.of(java.util.Arrays.copyOf(labels, at), 0.1, 0.1, 8).test()));
    StratifiedSplit.ThreeWay pair = StratifiedSplit.of(new int[] {0, 0}, 0.1, 0.1, 1);
    org.junit.jupiter.api.Assertions.assertEquals(1, pair.train().length);
    org.junit.jupiter.api.Assertions.assertEquals(1, pair.validation().length);
    org.junit.jupiter.api.Assertions.assertEquals(0, pair.test().length);
  }
}
