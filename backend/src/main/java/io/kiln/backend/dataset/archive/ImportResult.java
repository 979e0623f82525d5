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
   * @param medianShortSide the median of every image's shorter side (0 for datasets imported before
   *     it was measured), what the image size is fitted to (T17)
   */
  public record Statistics(
      double imbalanceRatio,
      Map<String, Integer> sizes,
      Map<String, Integer> channels,
      int minWidth,
      int maxWidth,
      int minHeight,
      int maxHeight,
      int medianShortSide) {
    /** Any image with colour (3 or 4 components: RGB, RGBA) makes the dataset colour. */
    public boolean colour() {
      return channels.containsKey("3") || channels.containsKey("4");
    }

    /**
     * The typical shorter side: measured at import, or for older datasets the median over their
     * most common sizes.
     */
    public int typicalSide() {
      if (medianShortSide > 0) {
        return medianShortSide;
      }
      java.util.List<int[]> sides = new java.util.ArrayList<>();
      int total = 0;
      for (Map.Entry<String, Integer> e : sizes.entrySet()) {
        String[] wh = e.getKey().split(" x ");
        if (wh.length == 2) {
          int side = Math.min(Integer.parseInt(wh[0].trim()), Integer.parseInt(wh[1].trim()));
          sides.add(new int[] {side, e.getValue()});
          total += e.getValue();
        }
      }
      sides.sort(java.util.Comparator.comparingInt(s -> s[0]));
      int seen = 0;
      for (int[] s : sides) {
        seen += s[1];
        if (2 * seen >= total) {
          return s[0];
        }
      }
      return 0;
    }
  }
}
