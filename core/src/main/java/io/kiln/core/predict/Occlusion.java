package io.kiln.core.predict;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What the model looked at, model-agnostic (occlusion sensitivity, Zeiler and Fergus 2014): a patch
 * of a quarter of the image's side slides over it at half a patch's stride, each position is hidden
 * (filled with the image's own mean colour), and the drop in the predicted class's probability is
 * credited to the cells the patch covered. All positions go through the model as one batch.
 */
public final class Occlusion {
  private Occlusion() {}

  /**
   * The map: one value per cell of {@code stride} pixels (row-major, {@code rows} x {@code rows}),
   * the mean drop of the class's probability when a patch over the cell was hidden (negative when
   * hiding helped the class).
   *
   * @param classIndex the class explained (the predicted one)
   * @param probability its probability on the whole image
   */
  public record Map(int classIndex, double probability, int rows, int stride, double[] cells) {
    /** The share of the positive drops that falls in the given cells' rectangle. */
    public double massIn(int rowFrom, int rowTo, int colFrom, int colTo) {
      double inside = 0;
      double all = 0;
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < rows; c++) {
          double v = Math.max(0, cells[r * rows + c]);
          all += v;
          if (r >= rowFrom && r < rowTo && c >= colFrom && c < colTo) {
            inside += v;
          }
        }
      }
      return all == 0 ? 0 : inside / all;
    }
  }

  /** The patch's side for an image of {@code size} pixels: a quarter, at least 1. */
  public static int patch(int size) {
    return Math.max(1, Math.round(size / 4f));
  }

  /** The stride: half a patch, at least 1. */
  public static int stride(int size) {
    return Math.max(1, patch(size) / 2);
  }

  /** Where each patch starts along one side: every stride, the last one flush with the edge. */
  static List<Integer> starts(int size) {
    int patch = patch(size);
    int stride = stride(size);
    List<Integer> starts = new ArrayList<>();
    for (int s = 0; s + patch <= size; s += stride) {
      starts.add(s);
    }
    if (starts.isEmpty() || starts.get(starts.size() - 1) + patch < size) {
      starts.add(Math.max(0, size - patch));
    }
    return starts;
  }

  /** How many images one map sends through the model (the whole image and every position). */
  public static int batchSize(int size) {
    int n = starts(size).size();
    return 1 + n * n;
  }

  /**
   * The map of {@code image} (CHW floats, {@code channels} x {@code size} x {@code size}) for the
   * class the model predicts on it; {@code model} answers one probability vector per image of a
   * batch.
   */
  public static Map of(
      float[] image, int channels, int size, Function<List<float[]>, float[][]> model) {
    List<Integer> starts = starts(size);
    int patch = patch(size);
    int plane = size * size;
    float[] mean = new float[channels];
    for (int ch = 0; ch < channels; ch++) {
      double sum = 0;
      for (int p = 0; p < plane; p++) {
        sum += image[ch * plane + p];
      }
      mean[ch] = (float) (sum / plane);
    }
    List<float[]> batch = new ArrayList<>();
    batch.add(image);
    for (int y : starts) {
      for (int x : starts) {
        float[] hidden = image.clone();
        for (int ch = 0; ch < channels; ch++) {
          for (int r = y; r < y + patch; r++) {
            java.util.Arrays.fill(
                hidden, ch * plane + r * size + x, ch * plane + r * size + x + patch, mean[ch]);
          }
        }
        batch.add(hidden);
      }
    }
    float[][] probabilities = model.apply(batch);
    int predicted = 0;
    for (int k = 1; k < probabilities[0].length; k++) {
      if (probabilities[0][k] > probabilities[0][predicted]) {
        predicted = k;
      }
    }
    double base = probabilities[0][predicted];
    int stride = stride(size);
    int rows = (size + stride - 1) / stride;
    double[] sum = new double[rows * rows];
    int[] count = new int[rows * rows];
    int i = 1;
    for (int y : starts) {
      for (int x : starts) {
        double drop = base - probabilities[i++][predicted];
        for (int r = y / stride; r <= (y + patch - 1) / stride; r++) {
          for (int c = x / stride; c <= (x + patch - 1) / stride; c++) {
            sum[r * rows + c] += drop;
            count[r * rows + c]++;
          }
        }
      }
    }
    double[] cells = new double[rows * rows];
    for (int k = 0; k < cells.length; k++) {
      cells[k] = count[k] == 0 ? 0 : sum[k] / count[k];
    }
    return new Map(predicted, base, rows, stride, cells);
  }
}
