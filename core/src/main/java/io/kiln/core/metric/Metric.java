package io.kiln.core.metric;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every value a metric point can carry, defined once: the name on the wire, in the database, the
 * CSV export and the browser; which kind of point carries it; its unit; and which way is better.
 * The agent writes these, the backend stores and reads them, the advisor and the estimate use them,
 * and the browser gets them from the OpenAPI document (schema MetricName). Adding a metric is
 * adding a constant here; charting it is an entry in frontend/src/curves.ts.
 */
public enum Metric {
  /** Mean training loss over the steps since the last step point. */
  LOSS("loss", Scope.STEP, Unit.LOSS, Better.LOWER, "training loss, averaged since the last point"),
  /** Global L2 norm of the gradients at the reporting step (before clipping, T19). */
  GRAD_NORM("gradNorm", Scope.STEP, Unit.NORM, Better.NEITHER, "global gradient norm"),
  /** The learning rate in effect (at the step, or at the end of the epoch). */
  LR("lr", Scope.BOTH, Unit.RATE, Better.NEITHER, "learning rate"),
  /** Training images per second (since the last step point, or over the epoch's training). */
  IMAGES_PER_SECOND(
      "imagesPerSecond", Scope.BOTH, Unit.IMAGES_PER_SECOND, Better.HIGHER, "training speed"),
  /** Mean training loss over the epoch. */
  TRAIN_LOSS("trainLoss", Scope.EPOCH, Unit.LOSS, Better.LOWER, "training loss"),
  /** Share of training images classified correctly during the epoch (under augmentation). */
  TRAIN_ACCURACY("trainAccuracy", Scope.EPOCH, Unit.FRACTION, Better.HIGHER, "training accuracy"),
  /**
   * Share of a fixed sample of training images classified correctly at the epoch's end, without
   * augmentation or mixing: the model's fit, comparable with validation accuracy (A1, A2).
   */
  FIT_ACCURACY(
      "fitAccuracy",
      Scope.EPOCH,
      Unit.FRACTION,
      Better.HIGHER,
      "training accuracy, measured clean"),
  /** Mean loss on the validation split after the epoch. */
  VAL_LOSS("valLoss", Scope.EPOCH, Unit.LOSS, Better.LOWER, "validation loss"),
  /** Share of validation images classified correctly after the epoch. */
  VAL_ACCURACY("valAccuracy", Scope.EPOCH, Unit.FRACTION, Better.HIGHER, "validation accuracy"),
  /** Wall-clock seconds of the epoch's training (validation not included). */
  SECONDS("seconds", Scope.EPOCH, Unit.SECONDS, Better.LOWER, "epoch training time"),
  /** 1 when only the new head was trained this epoch (T13, T14), else 0. */
  HEAD_ONLY("headOnly", Scope.EPOCH, Unit.FLAG, Better.NEITHER, "head-only epoch"),
  /**
   * Present (1) when this head-only epoch trained on stored features (T14): the starting network's
   * features computed once, no augmentation.
   */
  STORED_FEATURES(
      "storedFeatures", Scope.EPOCH, Unit.FLAG, Better.NEITHER, "head trained on stored features"),
  /** Present on the epoch that computed the stored features: the seconds it took. */
  FEATURE_SECONDS(
      "featureSeconds", Scope.EPOCH, Unit.SECONDS, Better.LOWER, "time to compute the features"),
  /** Present when ReduceLROnPlateau cut the rate after this epoch: the new scale (T7). */
  LR_REDUCED(
      "lrReduced", Scope.EPOCH, Unit.FACTOR, Better.NEITHER, "learning rate reduced to this share"),
  /** Present (1) when early stopping ended training after this epoch (T15). */
  EARLY_STOP("earlyStop", Scope.EPOCH, Unit.FLAG, Better.NEITHER, "stopped early");

  /** Which metric points carry a value. */
  public enum Scope {
    STEP,
    EPOCH,
    BOTH;

    public boolean in(String kind) {
      return this == BOTH || name().equalsIgnoreCase(kind);
    }
  }

  /** What a value measures. */
  public enum Unit {
    LOSS,
    FRACTION,
    RATE,
    IMAGES_PER_SECOND,
    SECONDS,
    NORM,
    FLAG,
    FACTOR
  }

  /** Which direction is an improvement (for a chart, the advisor or early stopping). */
  public enum Better {
    HIGHER,
    LOWER,
    NEITHER
  }

  private static final Map<String, Metric> BY_KEY =
      Arrays.stream(values())
          .collect(Collectors.toUnmodifiableMap(Metric::key, Function.identity()));

  private final String key;
  private final Scope scope;
  private final Unit unit;
  private final Better better;
  private final String label;

  Metric(String key, Scope scope, Unit unit, Better better, String label) {
    this.key = key;
    this.scope = scope;
    this.unit = unit;
    this.better = better;
    this.label = label;
  }

  /** The value's name on the wire and everywhere after it. */
  public String key() {
    return key;
  }

  public Scope scope() {
    return scope;
  }

  public Unit unit() {
    return unit;
  }

  public Better better() {
    return better;
  }

  /** A few plain words for people (chart legends, exports). */
  public String label() {
    return label;
  }

  /** The metric a wire name stands for; empty for a name Kiln does not define. */
  public static Optional<Metric> byKey(String key) {
    return Optional.ofNullable(BY_KEY.get(key));
  }

  /** This metric's value in a point's values, or NaN when the point does not carry it. */
  public double in(Map<String, Double> values) {
    Double v = values.get(key);
    return v == null ? Double.NaN : v;
  }

  /** This metric's value in a point's values, or null when absent. */
  public Double orNull(Map<String, Double> values) {
    return values.get(key);
  }
}
