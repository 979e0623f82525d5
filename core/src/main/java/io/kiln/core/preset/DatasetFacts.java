package io.kiln.core.preset;

/** What the adjustment rules need to know about the dataset a preset meets. */
public record DatasetFacts(int trainImages, int classes) {
  /** Fewer training images than this count as a small dataset (T13). */
  public static final int SMALL = 1000;

  /** More training images than this count as a large dataset (T13). */
  public static final int LARGE = 100_000;
}
