package io.kiln.agent.training;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Decoded, resized images held in memory as CHW floats in [0, 1], decoded once per run.
 *
 * @param ids each image's name in the dataset archive ({@code class/file})
 * @param pixels one array of channels*size*size values per image
 * @param labels the class index of each image
 */
public record LabelledImages(
    List<String> classNames,
    int channels,
    int size,
    List<String> ids,
    float[][] pixels,
    int[] labels,
    int[] splits) {
  public static final int TRAIN = 0;
  public static final int VALIDATION = 1;
  public static final int TEST = 2;

  /** Images without a split of their own: training holds out a validation share itself. */
  public LabelledImages(
      List<String> classNames,
      int channels,
      int size,
      List<String> ids,
      float[][] pixels,
      int[] labels) {
    this(classNames, channels, size, ids, pixels, labels, null);
  }

  public int count() {
    return labels.length;
  }

  /** True when the dataset fixed each image's split (train, validation, held-out test). */
  public boolean hasSplits() {
    return splits != null;
  }

  /** The indices of the images in {@code split}, ascending. */
  public int[] indicesOf(int split) {
    return IntStream.range(0, labels.length).filter(i -> splits[i] == split).toArray();
  }
}
