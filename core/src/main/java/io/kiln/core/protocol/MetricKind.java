package io.kiln.core.protocol;

/**
 * The two kinds of metric points. Which values each carries is defined by {@link
 * io.kiln.core.metric.Metric} (its {@code scope}).
 */
public final class MetricKind {
  /** Every few training steps (about 25 a epoch). */
  public static final String STEP = "step";

  /** Once per epoch, after validation. */
  public static final String EPOCH = "epoch";

  private MetricKind() {}
}
