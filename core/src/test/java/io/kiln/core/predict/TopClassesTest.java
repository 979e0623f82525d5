package io.kiln.core.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class TopClassesTest {
  @Test
  void mostProbableFirstAndAtMostK() {
    var top = TopClasses.of(new float[] {0.1f, 0.6f, 0.3f}, List.of("a", "b", "c"), 2);
    assertEquals(List.of("b", "c"), top.stream().map(TopClasses.ClassProbability::name).toList());
    assertEquals(0.6, top.get(0).probability(), 1e-6);
  }

  @Test
  void kBeyondTheClassCountGivesEveryClassAndTiesKeepClassOrder() {
    var top = TopClasses.of(new float[] {0.5f, 0.5f}, List.of("x", "y"), 5);
    assertEquals(List.of("x", "y"), top.stream().map(TopClasses.ClassProbability::name).toList());
  }

  @Test
  void namesMustMatchTheOutputs() {
    assertThrows(
        IllegalArgumentException.class, () -> TopClasses.of(new float[2], List.of("x"), 1));
  }
}
