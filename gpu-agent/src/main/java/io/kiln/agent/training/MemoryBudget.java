package io.kiln.agent.training;

import ai.djl.Device;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import io.kiln.agent.training.net.KilnNet;
import java.util.Locale;

/**
 * Whether a recipe's data fits in this agent's memory before anything big is allocated: the decoded
 * images (CHW floats, kept for the whole run) and the batches the pipeline prepares ahead of the
 * model. A recipe that cannot fit fails at once with the figures and what to change, instead of
 * dying of a full heap minutes later.
 *
 * <p>On the device, once the network is built: its parameters with their gradients and optimizer
 * state, and the activations a batch keeps for the backward pass, summed layer by layer from the
 * output shapes ({@link #activationFloats}). A lower bound (no workspace, no fragmentation): a run
 * it lets through can still run out of memory, and is then retried once with half the batch
 * (RetryPolicy, T8).
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
                + " memory (-XX:MaxRAMPercentage or -Xmx)",
            gb(decoded + batches),
            images,
            size,
            gb(decoded),
            batch,
            gb(batches),
            gb(available),
            advice));
  }

  /**
   * Floats one image's forward pass produces, layer by layer (what autograd keeps for the backward
   * pass), or -1 when a layer cannot say (a TorchScript backbone).
   */
  public static long activationFloats(Block block, Shape input) {
    try {
      return floats(block, input);
    } catch (RuntimeException unknown) {
      return -1;
    }
  }

  private static long floats(Block block, Shape input) {
    if (block instanceof KilnNet net) {
      Shape features = net.features().getOutputShapes(new Shape[] {input})[0];
      return floats(net.features(), input) + floats(net.head(), features);
    }
    if (block instanceof SequentialBlock sequence) {
      long sum = 0;
      Shape current = input;
      for (Block child : sequence.getChildren().values()) {
        sum += floats(child, current);
        current = child.getOutputShapes(new Shape[] {current})[0];
      }
      return sum;
    }
    if (block instanceof ParallelBlock parallel) {
      long sum = 0;
      for (Block child : parallel.getChildren().values()) {
        sum += floats(child, input);
      }
      return sum + parallel.getOutputShapes(new Shape[] {input})[0].size();
    }
    return block.getOutputShapes(new Shape[] {input})[0].size();
  }

  /**
   * @throws TooBigException when the parameters (with gradients and two optimizer buffers) and a
   *     batch's activations (kept for backward, and their gradients) need more than the device has
   */
  public static void checkDevice(
      long parameters, long activationFloatsPerImage, int batch, long deviceBytes, String device) {
    if (deviceBytes <= 0 || activationFloatsPerImage < 0) {
      return;
    }
    long weights = parameters * Float.BYTES * 4;
    long perImage = activationFloatsPerImage * Float.BYTES * 2;
    long needed = weights + batch * perImage;
    if (needed <= deviceBytes) {
      return;
    }
    long fitting = perImage == 0 ? 0 : Math.max(0, (deviceBytes - weights) / perImage);
    throw new TooBigException(
        String.format(
            Locale.ROOT,
            "this recipe needs at least %s on %s (the network's weights, gradients and optimizer"
                + " state: %s; a batch of %d images: %s) but it has %s; choose %s",
            gb(needed),
            device,
            gb(weights),
            batch,
            gb(batch * perImage),
            gb(deviceBytes),
            fitting >= 1
                ? "a batch size of at most " + Long.highestOneBit(fitting) + " (T8)"
                : "a smaller input size or a smaller architecture"));
  }

  /** Memory of the device training runs on: the GPU's, or the machine's beside the Java heap. */
  public static long deviceMemory(Device device) {
    Long memory = Devices.memory(device);
    if (memory == null) {
      return -1; // not known: no check
    }
    return device.isGpu() ? memory : memory - Runtime.getRuntime().maxMemory();
  }

  private static String gb(long bytes) {
    return bytes >= 1L << 30
        ? String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30))
        : String.format(Locale.ROOT, "%d MB", bytes >> 20);
  }
}
