package io.kiln.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementTest {
  private static final long GB = 1L << 30;

  @Test
  void anAgentMustCarryEveryLabelAndEnoughMemory() {
    Placement p = new Placement(List.of("gpu=a100"), 40 * GB);
    assertTrue(p.matches(Set.of("gpu=a100", "zone=eu"), 80 * GB));
    assertFalse(p.matches(Set.of("gpu=t4"), 80 * GB), "wrong label");
    assertFalse(p.matches(Set.of("gpu=a100"), 16 * GB), "too little memory");
    assertTrue(Placement.ANYWHERE.matches(Set.of(), 0));
  }

  @Test
  void labelsAreNormalizedAndCheckedByName() {
    assertEquals(
        List.of("gpu=a100", "zone=eu"),
        Placement.labels(List.of(" ZONE=eu, gpu=A100 ", "gpu=a100")));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Placement.labels(List.of("gpu a100")));
    assertTrue(e.getMessage().contains("'gpu a100' is not a label"), e.getMessage());
    assertEquals(List.of("a", "b"), Placement.split(Placement.join(List.of("a", "b"))));
  }
}
