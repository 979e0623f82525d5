package io.kiln.agent.training.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The recipe's {@code dropout}: the head reads a random share of its features while training. */
class KilnNetDropoutTest {
  @Test
  void dropoutChangesTrainingPassesOnlyAndNeverPredictions() {
    try (NDManager manager = NDManager.newBaseManager()) {
      KilnNet net = Architectures.build("small-cnn", 3, 28);
      net.initialize(manager, DataType.FLOAT32, new Shape(4, 1, 28, 28));
      manager.getEngine().setRandomSeed(7);
      NDArray x = manager.randomUniform(0, 1, new Shape(4, 1, 28, 28));
      ParameterStore store = new ParameterStore(manager, false);
      float[] predicted = net.forward(store, new NDList(x), false).head().toFloatArray();

      net.dropBeforeHead(0.5);
      assertArrayEquals(
          predicted,
          net.forward(store, new NDList(x), false).head().toFloatArray(),
          "inference uses every feature: predictions and the ONNX export are as without dropout");
      float[] first = net.forward(store, new NDList(x), true).head().toFloatArray();
      float[] second = net.forward(store, new NDList(x), true).head().toFloatArray();
      assertFalse(Arrays.equals(first, second), "each training pass hides other features");

      net.dropBeforeHead(0);
      // Batch norm in training mode normalizes by the batch, so compare two plain training passes.
      assertArrayEquals(
          net.forward(store, new NDList(x), true).head().toFloatArray(),
          net.forward(store, new NDList(x), true).head().toFloatArray(),
          1e-5f,
          "without dropout a training pass is deterministic");
      assertThrows(IllegalArgumentException.class, () -> net.dropBeforeHead(1.0));
    }
  }
}
