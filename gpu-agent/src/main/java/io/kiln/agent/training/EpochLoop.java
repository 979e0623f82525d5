package io.kiln.agent.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import io.kiln.agent.training.data.BatchPipeline;
import io.kiln.agent.training.data.HostBatch;
import io.kiln.agent.training.optim.GradientClipping;
import io.kiln.agent.training.optim.KilnOptimizer;
import io.kiln.core.metric.Metric;
import io.kiln.core.metric.MetricValues;
import io.kiln.core.protocol.MetricKind;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongToDoubleFunction;

/**
 * The mechanics of one epoch: a training pass (forward, soft-target loss, backward, optional
 * global-norm clipping, update) with step reports, and a validation pass. The training pass keeps
 * its loss and right answers on the device ({@link Tally}) and reads them once per report. The
 * caller decides the learning rate of every step and what happens between epochs.
 */
final class EpochLoop {
  /** What a training pass measured. */
  record TrainStats(double loss, double accuracy, long images, long steps, long nanos) {}

  /** What a validation pass measured. */
  record ValStats(double loss, double accuracy) {
    /** The value a recipe watches by name ({@code valLoss} or {@code valAccuracy}, T7 and T15). */
    double of(String metric) {
      return Metric.VAL_LOSS.key().equals(metric) ? loss : accuracy;
    }
  }

  private final Trainer trainer;
  private final KilnOptimizer optimizer;
  private final List<Parameter> parameters;
  private final Device[] devices;
  private final MetricSink sink;
  private final BooleanSupplier cancelled;
  private final int reportEvery;
  private final double clipNorm;
  private final int classes;
  private final DeviceStaging staging;

  EpochLoop(
      Trainer trainer,
      KilnOptimizer optimizer,
      List<Parameter> parameters,
      Device[] devices,
      MetricSink sink,
      BooleanSupplier cancelled,
      int reportEvery,
      double clipNorm,
      int classes,
      DeviceStaging staging) {
    this.trainer = trainer;
    this.optimizer = optimizer;
    this.parameters = parameters;
    this.devices = devices;
    this.sink = sink;
    this.cancelled = cancelled;
    this.reportEvery = Math.max(1, reportEvery);
    this.clipNorm = clipNorm;
    this.classes = classes;
    this.staging = staging;
  }

  /**
   * @param firstStep the global index of this epoch's first update
   * @param learningRate the rate of each global step
   */
  TrainStats train(
      int epoch, BatchPipeline.Epoch batches, long firstStep, LongToDoubleFunction learningRate) {
    long start = System.nanoTime();
    long step = firstStep;
    long seen = 0;
    int windowBatches = 0;
    long windowImages = 0;
    long windowStart = start;
    float lastLr = Float.NaN;
    // PyTorch's grad mode is per thread and on by default in a new thread; a collector restores
    // whatever it found. Off outside the collector, so the optimizer may update weights in place.
    JniUtils.setGradMode(false);
    // The loss and the right answers stay on the device and are read once per report (and at the
    // epoch's end), not every step: on a GPU each read waits for the device to finish.
    try (DeviceStaging.Staged staged = staging.over(batches);
        Tally tally = new Tally(trainer.getManager(), devices[0])) {
      while (staged.hasNext()) {
        DeviceStaging.DeviceBatch batch = staged.next();
        checkCancelled(batch);
        float lr = (float) learningRate.applyAsDouble(step);
        optimizer.setLearningRate(lr);
        lastLr = lr;
        boolean report = (step + 1) % reportEvery == 0;
        double gradNorm = Double.NaN;
        float windowMean = Float.NaN;
        try (batch;
            NDManager scope = trainer.getManager().newSubManager()) {
          try (GradientCollector collector = trainer.newGradientCollector()) {
            List<NDList[]> shards = shards(batch.x(), batch.y(), batch.labels());
            for (NDList[] shard : shards) {
              NDArray out = trainer.forward(shard[0]).singletonOrThrow();
              NDArray shardLoss =
                  trainer.getLoss().evaluate(shard[1], new NDList(out)).div(shards.size());
              collector.backward(shardLoss);
              NDArray right = out.argMax(1).toType(DataType.INT32, false).eq(shard[2].get(0));
              tally.add(shardLoss, right.sum(), batch.size());
            }
          }
          if (report) {
            windowMean = tally.windowLoss(windowBatches + 1);
            checkFinite(windowMean, epoch, step + 1, lr);
          }
          if (clipNorm > 0 || report) {
            List<NDArray> grads = GradientClipping.gradients(parameters, scope);
            gradNorm =
                clipNorm > 0
                    ? GradientClipping.clip(grads, clipNorm / devices.length)
                    : GradientClipping.globalNorm(grads);
          }
          trainer.step();
          zeroGradients();
        }
        int n = batch.size();
        step++;
        seen += n;
        windowBatches++;
        windowImages += n;
        if (report) {
          double seconds = Math.max(1e-9, (System.nanoTime() - windowStart) / 1e9);
          MetricValues values =
              MetricValues.of()
                  .put(Metric.LOSS, windowMean)
                  .put(Metric.LR, lr)
                  .put(Metric.IMAGES_PER_SECOND, windowImages / seconds)
                  .putIfFinite(Metric.GRAD_NORM, gradNorm);
          sink.report(MetricKind.STEP, epoch, step, values.asMap());
          tally.newWindow();
          windowBatches = 0;
          windowImages = 0;
          windowStart = System.nanoTime();
        }
      }
      double lossSum = tally.epochLoss();
      // A blow-up after the epoch's last report is caught here.
      checkFinite((float) lossSum, epoch, step, lastLr);
      return new TrainStats(
          lossSum / Math.max(1, seen),
          tally.epochCorrect() / (double) Math.max(1, seen),
          seen,
          step - firstStep,
          System.nanoTime() - start);
    }
  }

  /**
   * Runs the model in inference mode over the batches; when {@code evaluation} is given, every
   * image's probabilities are added to it (under its id in {@code ids}).
   */
  ValStats validate(BatchPipeline.Epoch batches, Evaluation evaluation, List<String> ids) {
    double lossSum = 0;
    long correct = 0;
    long seen = 0;
    try (DeviceStaging.Staged staged = staging.over(batches)) {
      while (staged.hasNext()) {
        DeviceStaging.DeviceBatch staging = staged.next();
        checkCancelled(staging);
        HostBatch batch = staging.host();
        try (staging;
            NDManager scope = trainer.getManager().newSubManager()) {
          NDArray logits =
              trainer
                  .evaluate(new NDList(staging.x().toDevice(devices[0], false)))
                  .singletonOrThrow()
                  .toDevice(Device.cpu(), false);
          NDArray y = staging.y().toDevice(Device.cpu(), false);
          lossSum +=
              trainer.getLoss().evaluate(new NDList(y), new NDList(logits)).getFloat()
                  * batch.size();
          float[] probabilities = logits.softmax(1).toFloatArray();
          for (int i = 0; i < batch.size(); i++) {
            float[] p = java.util.Arrays.copyOfRange(probabilities, i * classes, (i + 1) * classes);
            int best = 0;
            for (int k = 1; k < classes; k++) {
              best = p[k] > p[best] ? k : best;
            }
            correct += best == batch.labels()[i] ? 1 : 0;
            if (evaluation != null) {
              evaluation.add(ids.get(batch.indices()[i]), batch.labels()[i], p);
            }
          }
          seen += batch.size();
        }
      }
    }
    return new ValStats(lossSum / Math.max(1, seen), correct / (double) Math.max(1, seen));
  }

  /**
   * One (inputs, targets, labels) triple per device: the batch split data-parallel, or whole on one
   * device.
   */
  private List<NDList[]> shards(NDArray x, NDArray y, NDArray labels) {
    if (devices.length == 1) {
      return List.<NDList[]>of(
          new NDList[] {
            new NDList(x.toDevice(devices[0], false)),
            new NDList(y.toDevice(devices[0], false)),
            new NDList(labels.toDevice(devices[0], false))
          });
    }
    long n = x.getShape().get(0);
    java.util.ArrayList<NDList[]> out = new java.util.ArrayList<>();
    for (int d = 0; d < devices.length; d++) {
      long from = n * d / devices.length;
      long to = n * (d + 1) / devices.length;
      if (to > from) {
        String range = from + ":" + to;
        out.add(
            new NDList[] {
              new NDList(x.get(range).toDevice(devices[d], false)),
              new NDList(y.get(range).toDevice(devices[d], false)),
              new NDList(labels.get(range).toDevice(devices[d], false))
            });
      }
    }
    return out;
  }

  /**
   * PyTorch accumulates gradients; DJL's built-in optimizers clear them natively, ours does it
   * here.
   */
  private void zeroGradients() {
    if (devices.length > 1) {
      try (GradientCollector collector = trainer.newGradientCollector()) {
        collector.zeroGradients();
      }
      return;
    }
    for (Parameter p : parameters) {
      NDArray array = p.getArray();
      if (p.requiresGradient() && array.hasGradient()) {
        JniUtils.zeroGrad((PtNDArray) array);
      }
    }
  }

  /** Divergence (A4): the bad value is reported so the curve shows it, then training stops. */
  private void checkFinite(float loss, int epoch, long step, float lr) {
    if (Float.isFinite(loss)) {
      return;
    }
    sink.report(
        MetricKind.STEP,
        epoch,
        step,
        MetricValues.of().put(Metric.LOSS, loss).put(Metric.LR, lr).asMap());
    throw new IllegalStateException(
        "training diverged: loss became "
            + loss
            + " by step "
            + step
            + " (try a learning rate 10x lower, warmup or gradient clipping; A4)");
  }

  /** Stops the pass when the run was cancelled, closing the batch it was about to use. */
  private void checkCancelled(DeviceStaging.DeviceBatch batch) {
    if (cancelled.getAsBoolean()) {
      batch.close();
      throw new TrainingCancelledException();
    }
  }
}
