package io.kiln.agent.bench;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.kiln.agent.training.Devices;
import io.kiln.agent.training.LabelledImages;
import io.kiln.agent.training.net.Architectures;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine alone, for bench/train-throughput: Kiln's small CNN on the same engine (libtorch
 * through DJL) in DJL's own loop, with batches prepared once on the device, DJL's built-in SGD
 * (momentum 0.9, weight decay 1e-4, its fused update), no data pipeline, no augmentation and no
 * metrics read back. What Kiln's loop costs beyond the engine is the gap to this one. Prints {@code
 * BARE_DJL_IMAGES_PER_SECOND=<mean over the epochs after the first>}.
 *
 * <p>Usage: {@code BareDjlThroughput [images] [epochs]} (plain only: there is no pipeline here to
 * augment with).
 */
public final class BareDjlThroughput {
  static final int BATCH = 128;

  private BareDjlThroughput() {}

  public static void main(String[] args) throws Exception {
    Devices.configureThreads();
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 25_600;
    int epochs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    LabelledImages images = FashionMnist.load("train", count);
    int train = (int) (count * 0.98);
    try (Model model = Model.newInstance("bare-djl", Devices.trainingDevices()[0])) {
      model.setBlock(Architectures.build("small-cnn", FashionMnist.CLASSES.size(), 28));
      Optimizer sgd =
          Optimizer.sgd()
              .setLearningRateTracker(Tracker.fixed(0.05f))
              .optMomentum(0.9f)
              .optWeightDecays(1e-4f)
              .build();
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
              .optOptimizer(sgd)
              .optDevices(new ai.djl.Device[] {Devices.trainingDevices()[0]});
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(BATCH, 1, 28, 28));
        NDManager data = trainer.getManager().newSubManager();
        List<NDList> batches = prepare(data, images, train);
        List<Double> rates = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
          long start = System.nanoTime();
          float lastLoss = Float.NaN;
          int index = 0;
          for (NDList batch : batches) {
            boolean last = ++index == batches.size();
            try (NDManager step = data.newSubManager()) {
              batch.tempAttach(step);
              try (GradientCollector gc = trainer.newGradientCollector()) {
                NDArray logits = trainer.forward(new NDList(batch.get(0))).singletonOrThrow();
                NDArray loss =
                    trainer.getLoss().evaluate(new NDList(batch.get(1)), new NDList(logits));
                gc.backward(loss);
                if (last) {
                  // Once an epoch, so the loop is seen to learn without a per-step read-back.
                  lastLoss = loss.getFloat();
                }
              }
              trainer.step();
            }
          }
          double rate = batches.size() * (double) BATCH / ((System.nanoTime() - start) / 1e9);
          System.out.printf(
              "epoch %d: %.0f images/s, last batch loss %.4f%n", epoch, rate, lastLoss);
          if (epoch > 1) {
            rates.add(rate);
          }
        }
        System.out.printf(
            "BARE_DJL_IMAGES_PER_SECOND=%.1f%n",
            rates.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN));
      }
    }
  }

  /** Full batches of normalized images and their labels, built once on the device. */
  private static List<NDList> prepare(NDManager manager, LabelledImages images, int train) {
    float[][] pixels = images.pixels();
    double sum = 0;
    double squares = 0;
    long n = 0;
    for (int i = 0; i < train; i++) {
      for (float p : pixels[i]) {
        sum += p;
        squares += p * p;
        n++;
      }
    }
    float mean = (float) (sum / n);
    float std = (float) Math.sqrt(squares / n - mean * (double) mean);
    List<NDList> out = new ArrayList<>();
    int size = 28 * 28;
    for (int from = 0; from + BATCH <= train; from += BATCH) {
      float[] x = new float[BATCH * size];
      float[] y = new float[BATCH];
      for (int i = 0; i < BATCH; i++) {
        float[] image = pixels[from + i];
        for (int p = 0; p < size; p++) {
          x[i * size + p] = (image[p] - mean) / std;
        }
        y[i] = images.labels()[from + i];
      }
      out.add(
          new NDList(
              manager.create(x, new Shape(BATCH, 1, 28, 28)), manager.create(y, new Shape(BATCH))));
    }
    return out;
  }
}
