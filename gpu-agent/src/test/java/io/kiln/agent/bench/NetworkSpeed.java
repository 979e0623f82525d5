package io.kiln.agent.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.kiln.agent.training.Devices;
import io.kiln.agent.training.net.Architectures;
import io.kiln.agent.training.net.KilnNet;
import io.kiln.core.preset.NetworkCost;

/**
 * How fast this machine trains (forward, backward, update) and runs (forward only) each network at
 * each size, in images per second, beside what {@link NetworkCost} assumes: the calibration of the
 * wizard's size budget and of the time estimate. Usage: NetworkSpeed [architecture:size,...].
 */
public final class NetworkSpeed {
  private NetworkSpeed() {}

  public static void main(String[] args) throws Exception {
    Devices.configureThreads();
    String spec =
        args.length > 0
            ? args[0]
            : "small-cnn:28,small-cnn:64,small-cnn:112,small-cnn:224,resnet-18:64,resnet-18:112,"
                + "resnet-18:160,resnet-18:224,mobilenet-v2:112,mobilenet-v2:224,resnet-50:112";
    System.out.printf(
        "%-14s %5s %12s %12s %14s%n",
        "network", "px", "train img/s", "infer img/s", "GMAC/s (train)");
    for (String item : spec.split(",")) {
      String[] parts = item.split(":");
      String arch = parts[0];
      int size = Integer.parseInt(parts[1]);
      double train = images(arch, size, true);
      double infer = images(arch, size, false);
      System.out.printf(
          "%-14s %5d %12.1f %12.1f %14.1f%n",
          arch, size, train, infer, train * NetworkCost.training(arch, size) / 1e9);
    }
  }

  /** Images per second over a few batches of 32 after one warm-up batch. */
  static double images(String arch, int size, boolean training) {
    int batch = 32;
    int batches = size >= 160 ? 3 : 6;
    try (Model model = Model.newInstance("speed");
        NDManager manager = NDManager.newBaseManager()) {
      KilnNet net = Architectures.build(arch, 10, size);
      model.setBlock(net);
      Shape shape = new Shape(batch, 3, size, size);
      if (!training) {
        net.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, shape);
        NDArray x = manager.randomUniform(0, 1, shape);
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        long start = 0;
        for (int i = 0; i <= batches; i++) {
          if (i == 1) {
            start = System.nanoTime();
          }
          try (NDManager scope = manager.newSubManager()) {
            NDArray in = x.duplicate();
            in.attach(scope);
            net.forward(new ParameterStore(scope, false), new NDList(in), false)
                .singletonOrThrow()
                .toFloatArray();
          }
        }
        return batch * batches / ((System.nanoTime() - start) / 1e9);
      }
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
              .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.01f)).build());
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(shape);
        NDArray x = trainer.getManager().randomUniform(0, 1, shape);
        NDArray y =
            trainer
                .getManager()
                .randomInteger(0, 10, new Shape(batch), ai.djl.ndarray.types.DataType.INT32);
        long start = 0;
        for (int i = 0; i <= batches; i++) {
          if (i == 1) {
            start = System.nanoTime();
          }
          try (GradientCollector collector = trainer.newGradientCollector()) {
            NDArray out = trainer.forward(new NDList(x)).singletonOrThrow();
            NDArray loss = trainer.getLoss().evaluate(new NDList(y), new NDList(out));
            collector.backward(loss);
          }
          trainer.step();
          trainer.getManager().zeros(new Shape(1)).toFloatArray();
        }
        return batch * batches / ((System.nanoTime() - start) / 1e9);
      }
    }
  }
}
