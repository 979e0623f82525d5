package io.kiln.core.preset;

/**
 * What the adjustment rules need to know about the dataset a preset meets, and the machine that
 * will train it.
 *
 * @param images every image of the dataset (the agent holds them all decoded)
 * @param channels 3 when any image has colour, else 1
 * @param typicalSide the images' typical (median) shorter side in pixels; 0 when unknown, which
 *     leaves the preset's image size alone
 * @param gpu whether the agent that will train has a GPU (a CPU is assumed when unknown)
 */
public record DatasetFacts(
    int trainImages, int classes, int images, int channels, int typicalSide, boolean gpu) {
  /** Fewer training images than this count as a small dataset (T13). */
  public static final int SMALL = 1000;

  /** More training images than this count as a large dataset (T13). */
  public static final int LARGE = 100_000;

  /** Smallest photos: from this size on images are photos rather than icons or digits. */
  public static final int PHOTO_SIDE = 64;

  /** A dataset whose image sizes are unknown: the preset's size stays. */
  public DatasetFacts(int trainImages, int classes) {
    this(trainImages, classes, trainImages, 1, 0, false);
  }

  /**
   * Photos rather than icons or digits: colour, or large. These need what Fashion-MNIST hides: a
   * size fitted to them, and a start from pretrained weights (T13).
   */
  public boolean photos() {
    return channels >= 3 || typicalSide >= PHOTO_SIDE;
  }
}
