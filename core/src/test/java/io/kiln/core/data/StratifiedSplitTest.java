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
    int[] all = IntStream.concat(Arrays.stream(split.train()), Arrays.stream(split.validation())).sorted().toArray();
    assertArrayEquals(IntStream.range(0, 300).toArray(), all);
  }

  @Test
  void sameSeedSameSplitOtherSeedOtherSplit() {
    int[] labels = IntStream.range(0, 100).map(i -> i % 4).toArray();
    assertArrayEquals(StratifiedSplit.of(labels, 0.3, 7).validation(), StratifiedSplit.of(labels, 0.3, 7).validation());
    assertEquals(false, Arrays.equals(StratifiedSplit.of(labels, 0.3, 7).validation(),
        StratifiedSplit.of(labels, 0.3, 8).validation()));
  }

  @Test
  void tinyClassesKeepOneSampleOnEachSide() {
    int[] labels = {0, 0, 1, 1, 1};
    StratifiedSplit.Split split = StratifiedSplit.of(labels, 0.01, 3);
    assertEquals(2, split.validation().length);
    assertEquals(3, split.train().length);
  }
}
