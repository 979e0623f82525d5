package io.kiln.agent.training;

import java.util.List;

/**
 * Decoded, resized images held in memory as CHW floats in [0, 1], decoded once per run.
 *
 * @param ids each image's name in the dataset archive ({@code class/file})
 * @param pixels one array of channels*size*size values per image
 * @param labels the class index of each image
 */
public record LabelledImages(List<String> classNames, int channels, int size, List<String> ids, float[][] pixels,
    int[] labels) {
  public int count() {
    return labels.length;
  }
}
