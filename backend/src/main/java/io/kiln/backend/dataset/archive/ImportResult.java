package io.kiln.backend.dataset.archive;

import java.util.List;
import java.util.Map;

/**
 * A validated dataset: the canonical archive and thumbnails are written; what remains is to store
 * them.
 *
 * @param splitCounts split (train, val, test) to class to image count, classes in index order
 * @param splitMode {@code auto} (Kiln's stratified split) or {@code archive} (the uploader's
 *     folders)
 * @param gallery class to the canonical names of its thumbnails
 */
public record ImportResult(
    List<String> classNames,
    Map<String, Map<String, Integer>> splitCounts,
    List<Finding> findings,
    Statistics statistics,
    Map<String, List<String>> gallery,
    String splitMode,
    int valPercent,
    int testPercent,
    long seed) {
  public int imageCount() {
    return splitCounts.values().stream()
        .flatMap(m -> m.values().stream())
        .mapToInt(Integer::intValue)
        .sum();
  }

  public int trainImages() {
    return splitCounts.getOrDefault("train", Map.of()).values().stream()
        .mapToInt(Integer::intValue)
        .sum();
  }

  /**
   * @param imbalanceRatio the largest class's training images over the smallest's
   * @param sizes "width x height" to image count, the most common first ("other" for the rest)
   * @param channels channel count (1 gray, 2 gray+alpha, 3 colour, 4 colour+alpha) to image count
   */
  public record Statistics(
      double imbalanceRatio,
      Map<String, Integer> sizes,
      Map<String, Integer> channels,
      int minWidth,
      int maxWidth,
      int minHeight,
      int maxHeight) {}
}
