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

  @Test
  void activationsAreSummedLayerByLayerFromTheOutputShapes() {
    ai.djl.nn.Block small = io.kiln.agent.training.net.Architectures.build("small-cnn", 10, 28);
    long small28 =
        MemoryBudget.activationFloats(small, new ai.djl.ndarray.types.Shape(1, 1, 28, 28));
    assertTrue(small28 > 28 * 28, "more than the input: " + small28);
    ai.djl.nn.Block resnet = io.kiln.agent.training.net.Architectures.build("resnet-50", 10, 224);
    long resnet224 =
        MemoryBudget.activationFloats(resnet, new ai.djl.ndarray.types.Shape(1, 3, 224, 224));
    // ResNet-50 keeps on the order of 10^7 floats per 224 px image for its backward pass.
    assertTrue(resnet224 > 5_000_000 && resnet224 < 200_000_000, "resnet-50: " + resnet224);
  }

  @Test
  void aBatchThatCannotFitOnTheDeviceFailsNamingABatchThatDoes() {
    // 25 M parameters; 20 M activation floats per image; batch 4096 on an 80 GB GPU
    MemoryBudget.TooBigException e =
        assertThrows(
            MemoryBudget.TooBigException.class,
            () -> MemoryBudget.checkDevice(25_000_000, 20_000_000, 4096, 80 * GB, "gpu(0)"));
    assertTrue(e.getMessage().contains("on gpu(0)"), e.getMessage());
    assertTrue(e.getMessage().contains("a batch size of at most 512"), e.getMessage());
    assertDoesNotThrow(() -> MemoryBudget.checkDevice(25_000_000, 20_000_000, 64, 80 * GB, "gpu"));
  }
}
