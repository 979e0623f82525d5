package io.kiln.core.labels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CrossFitTest {
  private static final int[] LABELS =
      IntStream.range(0, 103).map(i -> i < 60 ? 0 : i < 95 ? 1 : 2).toArray();

  @Test
  void everyImageIsHeldOutExactlyOnceAndClassesSpreadEvenly() {
    int[] seen = new int[LABELS.length];
    for (int f = 0; f < 5; f++) {
      CrossFit.Split split = CrossFit.split(LABELS, new CrossFit.Fold(f, 5, 42));
      assertEquals(LABELS.length, split.train().length + split.heldOut().length);
      for (int i : split.heldOut()) {
        seen[i]++;
      }
      long zeros = Arrays.stream(split.heldOut()).filter(i -> LABELS[i] == 0).count();
      assertEquals(12, zeros, "60 images of class 0 over 5 folds");
      assertTrue(Arrays.stream(split.train()).noneMatch(i -> contains(split.heldOut(), i)));
    }
    assertTrue(Arrays.stream(seen).allMatch(c -> c == 1));
  }

  @Test
  void sameSeedSameFoldsOtherSeedOthers() {
    assertArrayEquals(CrossFit.assign(LABELS, 5, 1), CrossFit.assign(LABELS, 5, 1));
    assertTrue(!Arrays.equals(CrossFit.assign(LABELS, 5, 1), CrossFit.assign(LABELS, 5, 2)));
  }

  @Test
  void largeDatasetsGetMoreFolds() {
    assertEquals(5, CrossFit.foldsFor(3000));
    assertEquals(5, CrossFit.foldsFor(40_000));
    assertEquals(13, CrossFit.foldsFor(100_000));
  }

  @Test
  void badFoldsAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new CrossFit.Fold(5, 5, 1));
    assertThrows(IllegalArgumentException.class, () -> new CrossFit.Fold(0, 1, 1));
  }

  private static boolean contains(int[] a, int v) {
    return Arrays.stream(a).anyMatch(x -> x == v);
  }
}
