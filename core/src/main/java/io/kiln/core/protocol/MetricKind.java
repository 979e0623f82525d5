package io.kiln.core.protocol;

/** The kinds of metric points and the value names each carries. */
public final class MetricKind {
  /** Every N training steps: values loss, lr, imagesPerSecond. */
  public static final String STEP = "step";
  /** Every epoch: values trainLoss, trainAccuracy, valLoss, valAccuracy, lr, seconds. */
  public static final String EPOCH = "epoch";

  private MetricKind() {}
}
