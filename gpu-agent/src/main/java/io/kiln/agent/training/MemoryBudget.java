package io.kiln.agent.training;

import java.util.Locale;

/**
 * Whether a recipe's data fits in this agent's memory before anything big is allocated: the decoded
 * images (CHW floats, kept for the whole run) and the batches the pipeline prepares ahead of the
 * model. A recipe that cannot fit fails at once with the figures and what to change, instead of
 * dying of a full heap minutes later.
 *
 * <p>Not estimated: the activations on the device, which depend on the architecture's layers; an
 * out-of-memory failure there is retried once with half the batch (RetryPolicy, T8).
 */
public final class MemoryBudget {
  /**
   * Batches in memory at once: the pipeline's look-ahead, the one training, the one being built.
   */
  static final int BATCHES_IN_FLIGHT = 4 + 2;

  private MemoryBudget() {}

  /** The recipe does not fit: the message says by how much and what to change. */
  public static final class TooBigException extends IllegalArgumentException {
    TooBigException(String message) {
      super(message);
    }
  }

  /** Bytes the run's data needs on the agent's heap. */
  static long needed(long images, int channels, int size, int batch) {
    long image = (long) channels * size * size * Float.BYTES;
    return images * image + (long) BATCHES_IN_FLIGHT * batch * image;
  }

  /** The heap the agent can still use. */
  static long available() {
    Runtime rt = Runtime.getRuntime();
    return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
  }

  /**
   * @throws TooBigException when {@code images} images of {@code channels} x {@code size}² and
   *     batches of {@code batch} need more than {@code available} bytes
   */
  public static void check(long images, int channels, int size, int batch, long available) {
    long image = (long) channels * size * size * Float.BYTES;
    long decoded = images * image;
    long batches = (long) BATCHES_IN_FLIGHT * batch * image;
    // Leave a quarter for the model's host copies, the archive and the collector's headroom.
    long usable = available / 4 * 3;
    if (decoded + batches <= usable) {
      return;
    }
    StringBuilder advice = new StringBuilder();
    if (batches > usable / 2) {
      long fitting = Math.max(1, (usable / 2) / ((long) BATCHES_IN_FLIGHT * image));
      advice.append("a batch size of at most ").append(Long.highestOneBit(fitting)).append(" (T8)");
    }
    if (decoded > usable / 2 || advice.length() == 0) {
      long pixels = (long) Math.sqrt((double) (usable / 2) / Math.max(1, images) / channels / 4);
      if (advice.length() > 0) {
        advice.append(" and ");
      }
      advice.append("an input size of at most ").append(Math.max(8, pixels)).append(" px");
    }
    throw new TooBigException(
        String.format(
            Locale.ROOT,
            "this recipe needs about %s of memory on the agent (%d images at %d px: %s; batches of"
                + " %d in flight: %s) but the agent has %s free; choose %s, or give the agent more"
                + " memory (-Xmx)",
            gb(decoded + batches),
            images,
            size,
            gb(decoded),
            batch,
            gb(batches),
            gb(available),
            advice));
  }

  private static String gb(long bytes) {
    return bytes >= 1L << 30
        ? String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30))
        : String.format(Locale.ROOT, "%d MB", bytes >> 20);
  }
}
