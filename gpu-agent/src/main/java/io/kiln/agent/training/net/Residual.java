package io.kiln.agent.training.net;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import java.util.List;

/**
 * A residual connection: the main branch plus the shortcut (identity or a projection), added. A
 * class of its own so that the ONNX export knows the two outputs are summed.
 */
final class Residual extends ParallelBlock {
  Residual(Block main, Block shortcut) {
    super(
        list -> new NDList(list.get(0).singletonOrThrow().add(list.get(1).singletonOrThrow())),
        List.of(main, shortcut));
  }

  Block main() {
    return getChildren().get(0).getValue();
  }

  Block shortcut() {
    return getChildren().get(1).getValue();
  }
}
