package io.kiln.backend.labels;

import java.util.List;

/**
 * What a label check found, as stored and shown.
 *
 * @param images how many images the folds predicted
 * @param estimatedErrors how many images confident learning estimates are filed wrongly
 * @param issues likely label errors: the sure ones first, each part the least sure of its own class
 *     first
 * @param outliers images that fit no class at its bar, the most doubtful first
 * @param keptBefore flagged images left out because a person kept them before
 */
public record LabelFindings(
    int images, long estimatedErrors, List<Issue> issues, List<Outlier> outliers, int keptBefore) {
  /** Flagged issues listed at most (the rest are counted in {@code estimatedErrors}). */
  public static final int MAX_ISSUES = 2_000;

  /**
   * An image probably in the wrong class.
   *
   * @param selfConfidence the model's probability for the class it is filed under
   * @param confidence the model's probability for the suggested class
   * @param sure the model all but rules out the given class (core's ConfidentLearning.SURE_SHARE):
   *     the page proposes the move; the others are worth a look
   */
  public record Issue(
      String imageId,
      String given,
      String suggested,
      double selfConfidence,
      double confidence,
      boolean sure) {}

  /** An image no class fits well: its best class and that class's probability. */
  public record Outlier(String imageId, String given, String best, double confidence) {}
}
