package io.kiln.core.preset;

import java.util.Map;

/**
 * What one image costs a network, in multiply-accumulates of a forward pass: enough to compare
 * sizes and networks and to keep a default within what a machine trains in reasonable time (T17,
 * T19). The figures are those published for 224 px colour inputs (torchvision's tables, and Kiln's
 * small CNN and MobileNet x0.5 counted layer by layer); cost grows with the pixel count, and Kiln's
 * networks keep full resolution in the stem below 64 px, which costs about 16 times more per pixel
 * for the ResNets.
 */
public final class NetworkCost {
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

  /** A training step costs about three forward passes (forward, and backward for two). */
  public static final double TRAINING_FACTOR = 3;

  private NetworkCost() {}

  /** Forward multiply-accumulates of one image of {@code size} x {@code size}. */
  public static double forward(String architecture, int size) {
    double scale = (size / 224.0) * (size / 224.0);
    double small = size < 64 && !"small-cnn".equals(architecture) ? 16 : 1;
    return AT_224.getOrDefault(architecture, 1.82e9) * scale * small;
  }

  /** Multiply-accumulates of training on one image (forward and backward). */
  public static double training(String architecture, int size) {
    return forward(architecture, size) * TRAINING_FACTOR;
  }
}
