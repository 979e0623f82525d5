package io.kiln.backend.labels;

/**
 * A label check ended (succeeded with {@code issues} photos flagged, or failed or was cancelled
 * with a fold); fired inside the transaction that ended it.
 */
public record LabelCheckEnded(long checkId, int issues, String actor) {
  /** Ended by Kiln itself (its folds ended). */
  public LabelCheckEnded(long checkId, int issues) {
    this(checkId, issues, null);
  }
}
