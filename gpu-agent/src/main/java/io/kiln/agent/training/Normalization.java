package io.kiln.agent.training;

/**
 * Per-channel mean and standard deviation of the training split (T12: normalize by dataset
 * statistics). Fitted on training images only so validation stays unseen.
 */
public record Normalization(float[] mean, float[] std) {

  public static Normalization fit(LabelledImages images, int[] indices) {
    int channels = images.channels();
    int plane = images.size() * images.size();
    double[] sum = new double[channels];
    double[] sumSq = new double[channels];
    for (int index : indices) {
      float[] px = images.pixels()[index];
      for (int c = 0; c < channels; c++) {
        for (int p = c * plane; p < (c + 1) * plane; p++) {
          sum[c] += px[p];
          sumSq[c] += (double) px[p] * px[p];
        }
      }
    }
    float[] mean = new float[channels];
    float[] std = new float[channels];
    double n = (double) indices.length * plane;
    for (int c = 0; c < channels; c++) {
      mean[c] = (float) (sum[c] / n);
      double variance = Math.max(0, sumSq[c] / n - mean[c] * (double) mean[c]);
      std[c] = (float) Math.max(Math.sqrt(variance), 1e-3);
    }
    return new Normalization(mean, std);
  }

  /** Copies the chosen images, normalized, into one contiguous NCHW array. */
  public float[] apply(LabelledImages images, int[] indices) {
    int plane = images.size() * images.size();
    int per = images.channels() * plane;
    float[] out = new float[indices.length * per];
    for (int i = 0; i < indices.length; i++) {
      float[] px = images.pixels()[indices[i]];
      for (int c = 0; c < images.channels(); c++) {
        for (int p = 0; p < plane; p++) {
          out[i * per + c * plane + p] = (px[c * plane + p] - mean[c]) / std[c];
        }
      }
    }
    return out;
  }
}
