package io.kiln.agent.bench;

import io.kiln.agent.training.Devices;
import io.kiln.agent.training.LabelledImages;
import io.kiln.agent.training.MetricSink;
import io.kiln.agent.training.TrainingJob;
import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.MetricKind;
import io.kiln.core.recipe.Recipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The agent's own training loop (TrainingJob: data pipeline, augmentation, optimizer, metrics) on
 * Fashion-MNIST with the small CNN, batch 128, SGD with momentum. Prints the training images per
 * second of each epoch after the first (warm-up) as {@code KILN_IMAGES_PER_SECOND=<v>}.
 *
 * <p>Usage: {@code TrainThroughput plain|augmented [images] [epochs]}; augmented turns on random
 * resized crop, horizontal flip and CutMix.
 */
public final class TrainThroughput {
  private TrainThroughput() {}

  public static void main(String[] args) throws Exception {
    Devices.configureThreads();
    String mode = args.length > 0 ? args[0] : "plain";
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 25_600;
    int epochs = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    LabelledImages images = FashionMnist.load("train", count);
    Recipe recipe =
        Recipe.defaults()
            .with(
                Map.of(
                    "batchSize",
                    128,
                    "epochs",
                    epochs,
                    "learningRate",
                    0.05,
                    "momentum",
                    0.9,
                    "schedule",
                    "constant",
                    "validationFraction",
                    0.02,
                    "inputSize",
                    28));
    if ("augmented".equals(mode)) {
      recipe =
          recipe.with(
              Map.of("randomResizedCrop", true, "horizontalFlip", true, "cutmixAlpha", 1.0));
    } else if (!"plain".equals(mode)) {
      throw new IllegalArgumentException("mode must be plain or augmented, was " + mode);
    }
    List<Double> rates = new ArrayList<>();
    MetricSink sink =
        (kind, epoch, step, values) -> {
          if (MetricKind.EPOCH.equals(kind)) {
            System.out.printf(
                "epoch %d: %.0f images/s, train loss %.4f, val acc %.4f%n",
                epoch,
                Metric.IMAGES_PER_SECOND.in(values),
                Metric.TRAIN_LOSS.in(values),
                Metric.VAL_ACCURACY.in(values));
            if (epoch > 1) {
              rates.add(Metric.IMAGES_PER_SECOND.in(values));
            }
          }
        };
    Path out = Files.createTempDirectory("kiln-bench");
    new TrainingJob(recipe, images, sink, () -> false, 1_000_000).run(out);
    double mean = rates.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    System.out.printf("KILN_IMAGES_PER_SECOND=%.1f%n", mean);
  }
}
