package io.kiln.agent.training.net;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import io.kiln.core.pretrained.TorchvisionLayout;
import java.util.List;

/**
 * Network definitions by the recipe's architecture name (T19: start with the smallest net that can
 * work). Every net uses batch norm after each convolution (T18: it allows a larger learning rate)
 * and global average pooling before one linear classifier, so the parameter count does not depend
 * on the input size.
 */
public final class Architectures {
  /**
   * Inputs smaller than this get a stride-1 3x3 stem without max pooling, as for CIFAR-sized
   * images.
   */
  static final int SMALL_INPUT = 64;

  private Architectures() {}

  public static KilnNet build(String architecture, int numClasses, int inputSize) {
    Block features =
        switch (architecture) {
          case "small-cnn" -> smallCnn();
          case "mobilenet" -> mobileNet(inputSize, 0.5f);
          case "mobilenet-v2" -> mobileNetV2(inputSize);
          case "resnet-18" -> resNet(inputSize, List.of(2, 2, 2, 2), false);
          case "resnet-34" -> resNet(inputSize, List.of(3, 4, 6, 3), false);
          case "resnet-50" -> resNet(inputSize, List.of(3, 4, 6, 3), true);
          default ->
              throw new IllegalArgumentException("unknown architecture '" + architecture + "'");
        };
    return KilnNet.withClassifier(features, numClasses);
  }

  /** Three 3x3 conv blocks of 32, 64 and 128 filters with 2x2 max pooling between them. */
  static Block smallCnn() {
    return new SequentialBlock()
        .add(convBnRelu(32, 3, 1))
        .add(Op.maxPool(2, 2, 0))
        .add(convBnRelu(64, 3, 1))
        .add(Op.maxPool(2, 2, 0))
        .add(convBnRelu(128, 3, 1))
        .add(pooled());
  }

  /**
   * ResNet v1 (He et al.): basic blocks for 18 and 34 layers, bottlenecks for 50. Small inputs keep
   * their resolution in the stem; large ones get the ImageNet 7x7 stride-2 stem and pooling.
   */
  static Block resNet(int inputSize, List<Integer> blocksPerStage, boolean bottleneck) {
    SequentialBlock net = new SequentialBlock();
    if (inputSize < SMALL_INPUT) {
      net.add(convBnRelu(64, 3, 1));
    } else {
      net.add(convBnRelu(64, 7, 2)).add(Op.maxPool(3, 2, 1));
    }
    int filters = 64;
    for (int stage = 0; stage < blocksPerStage.size(); stage++) {
      for (int i = 0; i < blocksPerStage.get(stage); i++) {
        int stride = stage > 0 && i == 0 ? 2 : 1;
        boolean project = i == 0 && (stride != 1 || bottleneck);
        net.add(residual(filters, stride, bottleneck, project));
      }
      filters *= 2;
    }
    return net.add(pooled());
  }

  private static Block residual(int filters, int stride, boolean bottleneck, boolean project) {
    int out = bottleneck ? filters * 4 : filters;
    SequentialBlock main = new SequentialBlock();
    if (bottleneck) {
      main.add(convBnRelu(filters, 1, 1))
          .add(convBnRelu(filters, 3, stride))
          .add(conv(out, 1, 1, 1))
          .add(batchNorm());
    } else {
      main.add(convBnRelu(filters, 3, stride)).add(conv(out, 3, 1, 1)).add(batchNorm());
    }
    Block shortcut =
        project
            ? new SequentialBlock().add(conv(out, 1, stride, 1)).add(batchNorm())
            : Op.identity();
    return new SequentialBlock().add(new Residual(main, shortcut)).add(Op.relu());
  }

  /**
   * MobileNet v1 style (T19): depthwise 3x3 plus pointwise 1x1 convolutions, at a width multiplier
   * (0.5 here), a fraction of a ResNet's cost.
   */
  static Block mobileNet(int inputSize, float width) {
    int[][] layers = {
      {64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2}, {512, 1}, {512, 1}, {512, 1},
      {512, 1}, {512, 1}, {1024, 2}, {1024, 1}
    };
    int channels = scaled(32, width);
    SequentialBlock net =
        new SequentialBlock().add(convBnRelu(channels, 3, inputSize < SMALL_INPUT ? 1 : 2));
    for (int[] layer : layers) {
      int stride = inputSize < SMALL_INPUT && layer[0] >= 1024 ? 1 : layer[1];
      net.add(conv(channels, 3, stride, channels)).add(batchNorm()).add(Op.relu());
      channels = scaled(layer[0], width);
      net.add(convBnRelu(channels, 1, 1));
    }
    return net.add(pooled());
  }

  /**
   * MobileNetV2 as torchvision defines it (Sandler et al. 2018, T19): inverted residual blocks that
   * widen 6x with a 1x1 convolution, filter with a depthwise 3x3 and narrow again with a linear
   * 1x1, ReLU6 activations, a shortcut where shapes allow. Layer for layer the same as
   * torchvision's {@code mobilenet_v2}, so its ImageNet weights load ({@link TorchvisionWeights}).
   * Inputs under 64 px keep their resolution in the stem.
   */
  static Block mobileNetV2(int inputSize) {
    int channels = TorchvisionLayout.MOBILENET_V2_STEM;
    SequentialBlock net =
        new SequentialBlock()
            .add(conv(channels, 3, inputSize < SMALL_INPUT ? 1 : 2, 1))
            .add(batchNorm())
            .add(Op.relu6());
    for (TorchvisionLayout.Stage stage : TorchvisionLayout.MOBILENET_V2_STAGES) {
      for (int i = 0; i < stage.blocks(); i++) {
        int stride = i == 0 ? stage.stride() : 1;
        int hidden = Math.round(channels * (float) stage.expansion());
        SequentialBlock block = new SequentialBlock();
        if (stage.expansion() != 1) {
          block.add(conv(hidden, 1, 1, 1)).add(batchNorm()).add(Op.relu6());
        }
        block
            .add(conv(hidden, 3, stride, hidden))
            .add(batchNorm())
            .add(Op.relu6())
            .add(conv(stage.channels(), 1, 1, 1))
            .add(batchNorm());
        net.add(
            stride == 1 && channels == stage.channels()
                ? new Residual(block, Op.identity())
                : block);
        channels = stage.channels();
      }
    }
    return net.add(conv(TorchvisionLayout.MOBILENET_V2_LAST, 1, 1, 1))
        .add(batchNorm())
        .add(Op.relu6())
        .add(pooled());
  }

  /** Batch norm's epsilon, stated so that the ONNX export writes the same one. */
  static final float BATCH_NORM_EPSILON = 1e-5f;

  private static Block batchNorm() {
    return BatchNorm.builder().optEpsilon(BATCH_NORM_EPSILON).build();
  }

  private static int scaled(int filters, float width) {
    return Math.max(8, Math.round(filters * width));
  }

  private static Block pooled() {
    return new SequentialBlock().add(Op.globalAvgPool()).add(Op.flatten());
  }

  private static Block convBnRelu(int filters, int kernel, int stride) {
    return new SequentialBlock()
        .add(conv(filters, kernel, stride, 1))
        .add(batchNorm())
        .add(Op.relu());
  }

  private static Block conv(int filters, int kernel, int stride, int groups) {
    return Conv2d.builder()
        .setKernelShape(new Shape(kernel, kernel))
        .optStride(new Shape(stride, stride))
        .optPadding(new Shape(kernel / 2, kernel / 2))
        .setFilters(filters)
        .optGroups(groups)
        .optBias(false)
        .build();
  }
}
