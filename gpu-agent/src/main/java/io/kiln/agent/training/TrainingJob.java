package io.kiln.agent.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import ai.djl.translate.TranslateException;
import io.kiln.core.data.StratifiedSplit;
import io.kiln.core.protocol.MetricKind;
import io.kiln.core.recipe.Recipe;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Trains one model from a recipe on images already in memory, writing curves to a
 * {@link MetricSink} and checking for cancellation before every batch.
 */
public final class TrainingJob {
  private final Recipe recipe;
  private final LabelledImages images;
  private final MetricSink sink;
  private final BooleanSupplier cancelled;
  private final int stepReportInterval;

  public TrainingJob(Recipe recipe, LabelledImages images, MetricSink sink, BooleanSupplier cancelled,
      int stepReportInterval) {
    this.recipe = recipe;
    this.images = images;
    this.sink = sink;
    this.cancelled = cancelled;
    this.stepReportInterval = Math.max(1, stepReportInterval);
  }

  /** Trains, then writes the model archive into {@code outputDir}. */
  public TrainingResult run(Path outputDir) throws IOException {
    Device device = Devices.trainingDevice();
    Engine.getInstance().setRandomSeed((int) recipe.seed());
    StratifiedSplit.Split split = StratifiedSplit.of(images.labels(), recipe.validationFraction(), recipe.seed());
    if (split.train().length == 0 || split.validation().length == 0) {
      throw new IllegalArgumentException("the dataset is too small to hold out a validation split");
    }
    Normalization normalization = Normalization.fit(images, split.train());
    try (NDManager manager = NDManager.newBaseManager(device);
        Model model = Model.newInstance("kiln", device)) {
      ArrayDataset train = dataset(manager, normalization, split.train(), true);
      ArrayDataset validation = dataset(manager, normalization, split.validation(), false);
      int stepsPerEpoch = stepsPerEpoch(split.train().length);
      Tracker schedule = OptimizerFactory.schedule(recipe, stepsPerEpoch * recipe.epochs());
      model.setBlock(Architectures.build(recipe.architecture(), images.classNames().size()));
      DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
          .optOptimizer(OptimizerFactory.optimizer(recipe, schedule))
          .optDevices(new Device[] {device});
      try (Trainer trainer = model.newTrainer(config)) {
        trainer.initialize(new Shape(1, images.channels(), images.size(), images.size()));
        sink.started(device.toString(), recipe.epochs(), stepsPerEpoch);
        EpochLoop loop = new EpochLoop(trainer, schedule, sink, cancelled, stepReportInterval);
        for (int epoch = 1; epoch <= recipe.epochs(); epoch++) {
          loop.trainEpoch(epoch, train);
          loop.validate(epoch, validation);
        }
        Path archive = ModelArchive.write(model, outputDir, recipe, images, normalization);
        return new TrainingResult(archive, loop.bestValAccuracy(), loop.lastValAccuracy(),
            loop.imagesPerSecond(), device.toString());
      } catch (TranslateException e) {
        throw new IOException("could not batch the dataset: " + e.getMessage(), e);
      }
    }
  }

  private int stepsPerEpoch(int trainCount) {
    int batch = recipe.batchSize();
    return trainCount > batch ? trainCount / batch : 1;
  }

  private ArrayDataset dataset(NDManager manager, Normalization normalization, int[] indices, boolean train) {
    int s = images.size();
    NDArray data = manager.create(normalization.apply(images, indices), new Shape(indices.length, images.channels(), s, s));
    float[] labels = new float[indices.length];
    for (int i = 0; i < indices.length; i++) {
      labels[i] = images.labels()[indices[i]];
    }
    NDArray label = manager.create(labels, new Shape(indices.length));
    // Dropping the last partial batch keeps batch-norm statistics sane (a batch of one has no variance).
    boolean dropLast = train && indices.length > recipe.batchSize();
    return new ArrayDataset.Builder().setData(data).optLabels(label)
        .setSampling(recipe.batchSize(), train, dropLast).build();
  }

  /** The per-epoch mechanics: one training pass with step reports, one validation pass. */
  private static final class EpochLoop {
    private final Trainer trainer;
    private final Tracker schedule;
    private final MetricSink sink;
    private final BooleanSupplier cancelled;
    private final int reportEvery;
    private long step;
    private double trainLoss;
    private double trainAccuracy;
    private double bestValAccuracy;
    private double lastValAccuracy;
    private long imagesSeen;
    private long trainNanos;
    private long epochStart;

    EpochLoop(Trainer trainer, Tracker schedule, MetricSink sink, BooleanSupplier cancelled, int reportEvery) {
      this.trainer = trainer;
      this.schedule = schedule;
      this.sink = sink;
      this.cancelled = cancelled;
      this.reportEvery = reportEvery;
    }

    void trainEpoch(int epoch, ArrayDataset train) throws IOException, TranslateException {
      epochStart = System.nanoTime();
      double lossSum = 0;
      long correct = 0;
      long seen = 0;
      double windowLoss = 0;
      int windowBatches = 0;
      long windowImages = 0;
      long windowStart = System.nanoTime();
      for (Batch batch : trainer.iterateDataset(train)) {
        try (batch) {
          if (cancelled.getAsBoolean()) {
            throw new TrainingCancelledException();
          }
          NDArray labels = batch.getLabels().singletonOrThrow();
          float lr = schedule.getNewValue((int) step);
          float loss;
          long batchCorrect;
          try (GradientCollector collector = trainer.newGradientCollector()) {
            NDArray logits = trainer.forward(batch.getData()).singletonOrThrow();
            NDArray lossValue = trainer.getLoss().evaluate(new NDList(labels), new NDList(logits));
            collector.backward(lossValue);
            loss = lossValue.getFloat();
            batchCorrect = correctCount(logits, labels);
          }
          trainer.step();
          if (!Float.isFinite(loss)) {
            // Divergence (A4): report the bad value so the curve shows it, then stop.
            sink.report(MetricKind.STEP, epoch, step + 1, Map.of("loss", (double) loss, "lr", (double) lr));
            throw new IllegalStateException("training diverged: loss became " + loss + " at step " + (step + 1)
                + " (try a learning rate 10x lower)");
          }
          int n = (int) labels.getShape().get(0);
          step++;
          lossSum += loss * n;
          correct += batchCorrect;
          seen += n;
          windowLoss += loss;
          windowBatches++;
          windowImages += n;
          if (step % reportEvery == 0) {
            double seconds = Math.max(1e-9, (System.nanoTime() - windowStart) / 1e9);
            sink.report(MetricKind.STEP, epoch, step, Map.of("loss", windowLoss / windowBatches,
                "lr", (double) lr, "imagesPerSecond", windowImages / seconds));
            windowLoss = 0;
            windowBatches = 0;
            windowImages = 0;
            windowStart = System.nanoTime();
          }
        }
      }
      trainNanos += System.nanoTime() - epochStart;
      imagesSeen += seen;
      trainLoss = lossSum / Math.max(1, seen);
      trainAccuracy = correct / (double) Math.max(1, seen);
    }

    void validate(int epoch, ArrayDataset validation) throws IOException, TranslateException {
      double lossSum = 0;
      long correct = 0;
      long seen = 0;
      for (Batch batch : trainer.iterateDataset(validation)) {
        try (batch) {
          if (cancelled.getAsBoolean()) {
            throw new TrainingCancelledException();
          }
          NDArray labels = batch.getLabels().singletonOrThrow();
          NDArray logits = trainer.evaluate(batch.getData()).singletonOrThrow();
          int n = (int) labels.getShape().get(0);
          lossSum += trainer.getLoss().evaluate(new NDList(labels), new NDList(logits)).getFloat() * n;
          correct += correctCount(logits, labels);
          seen += n;
        }
      }
      lastValAccuracy = correct / (double) Math.max(1, seen);
      bestValAccuracy = Math.max(bestValAccuracy, lastValAccuracy);
      sink.report(MetricKind.EPOCH, epoch, step, Map.of(
          "trainLoss", trainLoss,
          "trainAccuracy", trainAccuracy,
          "valLoss", lossSum / Math.max(1, seen),
          "valAccuracy", lastValAccuracy,
          "lr", (double) schedule.getNewValue((int) Math.max(0, step - 1)),
          "seconds", (System.nanoTime() - epochStart) / 1e9));
    }

    private static long correctCount(NDArray logits, NDArray labels) {
      return logits.argMax(1).toType(DataType.FLOAT32, false).eq(labels.toType(DataType.FLOAT32, false))
          .countNonzero().getLong();
    }

    double bestValAccuracy() {
      return bestValAccuracy;
    }

    double lastValAccuracy() {
      return lastValAccuracy;
    }

    double imagesPerSecond() {
      return imagesSeen / Math.max(1e-9, trainNanos / 1e9);
    }
  }
}
