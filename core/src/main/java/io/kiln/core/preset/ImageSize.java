package io.kiln.core.preset;

/**
 * The image size a dataset trains at by default (T17: every input is resized to the model's input
 * size): as close to the photos' own size as the network's sweet spot (224 px, what ImageNet
 * networks were trained at) allows, but no larger than what the machine trains in about five
 * minutes (a default should come back while the person waits, T20), nor than what the agent holds
 * in memory (it keeps every image decoded), and at least 64 px for pretrained networks (their stem
 * was made for it).
 */
public final class ImageSize {
  /** The sizes a default picks from. */
  static final int[] SIZES = {28, 32, 48, 64, 96, 112, 128, 160, 192, 224};

  /** The largest default: what ImageNet networks were trained at. */
  public static final int LARGEST = 224;

  /** The smallest agent (2 CPU cores): {@link NetworkCost}'s reference machine. */
  public static final double CPU_MACS_PER_SECOND = NetworkCost.REFERENCE_MACS_PER_SECOND;

  /**
   * One GPU, conservatively (float32, small batches): 40 times the reference CPU. Not measured here
   * (no GPU was at hand); a measured run replaces it in the estimate.
   */
  public static final double GPU_MACS_PER_SECOND = 40 * CPU_MACS_PER_SECOND;

  /** What a default may cost on its machine. */
  public static final double BUDGET_SECONDS = 5 * 60;

  /** What the decoded images may take in a CPU agent's memory by default. */
  public static final double MEMORY_BYTES = 2.0 * (1L << 30);

  /** The same on a GPU machine, which has more memory beside its GPU. */
  public static final double GPU_MACHINE_MEMORY_BYTES = 8.0 * (1L << 30);

  /** Why the size is what it is. */
  public enum Reason {
    /** The photos' own size (up to 224 px). */
    PHOTOS,
    /** Smaller than the photos, to train within the time budget on this machine. */
    TIME,
    /** Smaller than the photos, so the decoded images fit the agent's memory. */
    MEMORY,
    /** Larger than the photos: pretrained networks need at least 64 px. */
    PRETRAINED_MINIMUM
  }

  /** A chosen size and why. */
  public record Fit(int size, Reason reason) {}

  /**
   * @param typicalSide the photos' typical shorter side (their median)
   * @param images every image of the dataset (held in memory)
   * @param trainedImages images trained on over the run (training images times epochs that run the
   *     whole network)
   * @param forwardImages images only passed forward once (stored features, T14)
   * @param channels 3 for colour (or a pretrained network), 1 for gray
   */
  public static Fit fit(
      String architecture,
      int typicalSide,
      boolean pretrained,
      int images,
      double trainedImages,
      double forwardImages,
      int channels,
      boolean gpu) {
    int smallest = pretrained ? 64 : SIZES[0];
    int ownSize = SIZES[0];
    for (int s : SIZES) {
      if (s <= Math.min(typicalSide, LARGEST)) {
        ownSize = s;
      }
    }
    int start = Math.max(ownSize, smallest);
    double speed = gpu ? GPU_MACS_PER_SECOND : CPU_MACS_PER_SECOND;
    double memory = gpu ? GPU_MACHINE_MEMORY_BYTES : MEMORY_BYTES;
    Reason rejected = null;
    int cheapest = -1;
    double cheapestSeconds = Double.MAX_VALUE;
    for (int i = SIZES.length - 1; i >= 0; i--) {
      int s = SIZES[i];
      if (s > start) {
        continue;
      }
      if (s < smallest) {
        break;
      }
      double seconds =
          (trainedImages * NetworkCost.training(architecture, s)
                  + forwardImages * NetworkCost.forward(architecture, s))
              / speed;
      if ((double) images * channels * s * s * 4 > memory) {
        rejected = Reason.MEMORY;
        continue;
      }
      if (seconds > BUDGET_SECONDS) {
        rejected = Reason.TIME;
        if (seconds < cheapestSeconds) {
          cheapestSeconds = seconds;
          cheapest = s;
        }
        continue;
      }
      Reason reason =
          rejected != null
              ? rejected
              : ownSize < smallest ? Reason.PRETRAINED_MINIMUM : Reason.PHOTOS;
      return new Fit(s, reason);
    }
    // Nothing is within the budget: the cheapest size that fits in memory.
    return new Fit(cheapest > 0 ? cheapest : smallest, rejected == null ? Reason.PHOTOS : rejected);
  }

  private ImageSize() {}
}
