package io.kiln.agent.training;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/** Network definitions by the recipe's architecture name (T19: start with the smallest net that can work). */
public final class Architectures {
  private Architectures() {}

  public static Block build(String architecture, int numClasses) {
    if ("small-cnn".equals(architecture)) {
      return smallCnn(numClasses);
    }
    throw new IllegalArgumentException("unknown architecture '" + architecture + "'");
  }

  /**
   * Three 3x3 conv blocks with batch norm (T18: BN allows a larger LR) and global average pooling
   * instead of a large dense layer (T19), so the parameter count does not depend on the input size.
   */
  static Block smallCnn(int numClasses) {
    return new SequentialBlock()
        .add(conv(32))
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(conv(64))
        .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)))
        .add(conv(128))
        .add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(numClasses).build());
  }

  private static Block conv(int filters) {
    return new SequentialBlock()
        .add(Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
            .setFilters(filters).optBias(false).build())
        .add(BatchNorm.builder().build())
        .add(Activation.reluBlock());
  }
}
