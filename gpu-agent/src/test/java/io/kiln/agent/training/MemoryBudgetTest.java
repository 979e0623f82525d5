package io.kiln.agent.training;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
  private static final long GB = 1L << 30;

  @Test
  void fashionMnistFitsEasily() {
    assertDoesNotThrow(() -> MemoryBudget.check(70_000, 1, 28, 128, 3 * GB));
  }

  @Test
  void theIssuesRecipeFailsAtOnceNamingTheBatch() {
    // resnet-50 at 1024 px with batch 4096 on a 3 GB agent: 4096 x 3 x 1024^2 floats per batch
    MemoryBudget.TooBigException e =
        assertThrows(
            MemoryBudget.TooBigException.class,
            () -> MemoryBudget.check(500, 3, 1024, 4096, 3 * GB));
    assertTrue(e.getMessage().contains("batch size of at most"), e.getMessage());
    assertTrue(e.getMessage().contains("batches of 4096 in flight: 288.0 GB"), e.getMessage());
  }

  @Test
  void tooManyLargeImagesNameTheInputSize() {
    MemoryBudget.TooBigException e =
        assertThrows(
            MemoryBudget.TooBigException.class,
            () -> MemoryBudget.check(100_000, 3, 512, 16, 8 * GB));
    assertTrue(e.getMessage().contains("an input size of at most"), e.getMessage());
  }
}
