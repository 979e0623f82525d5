package io.kiln.core.preset;

import java.util.Map;

/**
 * What one image costs a network, as work for the reference machine (2 CPU cores doing {@value
 * #REFERENCE_MACS_PER_SECOND} multiply-accumulates a second at full efficiency): enough to compare
 * sizes and networks and to keep a default within what a machine trains in reasonable time (T17,
 * T19), and to estimate a first run before any run measured its speed.
 *
 * <p>Multiply-accumulates are those published for 224 px colour inputs (torchvision's tables;
 * Kiln's small CNN and MobileNet x0.5 counted layer by layer), growing with the pixel count; below
 * 64 px Kiln's networks keep full resolution in the stem, about 16 times more per pixel for the
 * ResNets. Networks do not all run at the same efficiency: depthwise convolutions and the small
 * CNN's full-resolution layers keep the cores waiting on memory. The efficiencies below were
 * measured with {@code NetworkSpeed} (gpu-agent test sources) on a 2-core AMD EPYC with oneDNN
 * limited to AVX: training small-cnn 27 images/s at 112 px, ResNet-18 15 at 160 px, ResNet-50 5.0
 * at 112, MobileNetV2 12 at 112; forward passes ResNet-18 75 at 160, MobileNetV2 316 at 112.
 */
public final class NetworkCost {
  /** The reference machine's multiply-accumulates per second at an efficiency of 1. */
  public static final double REFERENCE_MACS_PER_SECOND = 40e9;

  /** Forward multiply-accumulates at 224 x 224 x 3. */
  private static final Map<String, Double> AT_224 =
      Map.of(
          "small-cnn", 506e6,
          "mobilenet", 150e6,
          "mobilenet-v2", 300e6,
          "resnet-18", 1.82e9,
          "resnet-34", 3.67e9,
          "resnet-50", 4.11e9,
          "backbone", 1.82e9);

  /** Training (forward and backward) efficiency against the reference rate, as measured. */
  private static final Map<String, Double> TRAINING_EFFICIENCY =
      Map.of(
          "small-cnn", 0.25,
          "mobilenet", 0.1,
          "mobilenet-v2", 0.07,
          "resnet-18", 0.85,
          "resnet-34", 0.85,
          "resnet-50", 0.4,
          "backbone", 0.5);

  /** Forward-only (inference, stored features) efficiency, as measured. */
  private static final Map<String, Double> FORWARD_EFFICIENCY =
      Map.of(
          "small-cnn", 1.0,
          "mobilenet", 0.6,
          "mobilenet-v2", 0.6,
          "resnet-18", 1.7,
          "resnet-34", 1.7,
          "resnet-50", 1.0,
          "backbone", 1.0);

  /** A training step is a forward pass and a backward pass (about twice the forward's work). */
  static final double TRAINING_FACTOR = 3;

  private NetworkCost() {}

  /** Forward multiply-accumulates of one image of {@code size} x {@code size}. */
  public static double macs(String architecture, int size) {
    double scale = (size / 224.0) * (size / 224.0);
    double small = size < 64 && !"small-cnn".equals(architecture) ? 16 : 1;
    return AT_224.getOrDefault(architecture, 1.82e9) * scale * small;
  }

  /** Reference work of one image's forward pass (its multiply-accumulates over its efficiency). */
  public static double forward(String architecture, int size) {
    return macs(architecture, size) / FORWARD_EFFICIENCY.getOrDefault(architecture, 1.0);
  }

  /** Reference work of training on one image (forward and backward). */
  public static double training(String architecture, int size) {
    return macs(architecture, size)
        * TRAINING_FACTOR
        / TRAINING_EFFICIENCY.getOrDefault(architecture, 0.5);
  }
}
