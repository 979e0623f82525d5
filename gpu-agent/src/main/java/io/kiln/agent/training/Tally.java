package io.kiln.agent.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * A training pass's running sums, kept on the training device: each step adds its loss and right
 * answers there without reading them back, and the loop reads them once per report and at the
 * epoch's end. On a GPU a read waits for every queued kernel, so reading every step would stall the
 * device once per batch (issue 16); on the CPU it costs the same either way.
 */
final class Tally implements AutoCloseable {
  private final NDManager manager;
  private NDArray windowLoss;
  private final NDArray epochLoss;
  private final NDArray epochCorrect;
  private final Device device;

  Tally(NDManager parent, Device device) {
    this.device = device;
    this.manager = parent.newSubManager(device);
    this.windowLoss = manager.zeros(new Shape(), DataType.FLOAT32);
    this.epochLoss = manager.zeros(new Shape(), DataType.FLOAT32);
    this.epochCorrect = manager.zeros(new Shape(), DataType.INT64);
  }

  /**
   * Adds one shard of a step.
   *
   * @param loss the shard's share of the step's mean loss
   * @param right how many of the shard's images were classified right
   * @param images the step's batch size (the loss is a mean over it)
   */
  void add(NDArray loss, NDArray right, int images) {
    // Detached: the sums must not join the autograd graph, or every step's graph (activations
    // included) would stay alive through them until the epoch ends.
    NDArray here = loss.stopGradient().toDevice(device, false);
    windowLoss.addi(here);
    epochLoss.addi(here.mul(images));
    epochCorrect.addi(right.toDevice(device, false).toType(DataType.INT64, false));
  }

  /** The mean step loss since the last window began, over {@code steps} steps (one read). */
  float windowLoss(int steps) {
    return windowLoss.getFloat() / Math.max(1, steps);
  }

  /** Starts a new report window. */
  void newWindow() {
    windowLoss.close();
    windowLoss = manager.zeros(new Shape(), DataType.FLOAT32);
  }

  /** The sum of loss times images over the epoch (one read). */
  double epochLoss() {
    return epochLoss.getFloat();
  }

  /** The images classified right over the epoch (one read). */
  long epochCorrect() {
    return epochCorrect.getLong();
  }

  @Override
  public void close() {
    manager.close();
  }
}
