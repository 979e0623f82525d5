package io.kiln.agent.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.labels.CrossFit;
import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.MetricKind;
import io.kiln.core.recipe.Recipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Trains for real with DJL's PyTorch engine on a tiny generated dataset. */
class TrainingJobIT {
  record Point(String kind, int epoch, long step, Map<String, Double> values) {}

  static LabelledImages images;

  @BeforeAll
  static void load(@TempDir Path dir) throws Exception {
    Devices.configureThreads();
    Path zip = SyntheticImages.writeZip(dir.resolve("data.zip"), 60, 16, 1);
    images = ImageArchiveReader.read(zip, SyntheticImages.CLASSES, 16);
  }

  @Test
  void lossFallsAndMetricsArriveInOrder(@TempDir Path out) throws Exception {
    assertEquals(180, images.count());
    assertEquals(1, images.channels(), "grayscale stays single-channel");
    List<Point> points = new ArrayList<>();
    List<String> started = new ArrayList<>();
    MetricSink sink =
        new MetricSink() {
          @Override
          public void started(String device, int totalEpochs, long stepsPerEpoch) {
            started.add(device + "/" + totalEpochs + "/" + stepsPerEpoch);
          }

          @Override
          public void report(String kind, int epoch, long step, Map<String, Double> values) {
            points.add(new Point(kind, epoch, step, values));
          }
        };
    Recipe recipe =
        Recipe.defaults().with(Map.of("batchSize", 16, "epochs", 3, "inputSize", 16, "seed", 7));
    TrainingResult result = new TrainingJob(recipe, images, sink, () -> false, 2).run(out);

    assertEquals(List.of("cpu()/3/9"), started, "144 training images in batches of 16");
    List<Point> epochs = points.stream().filter(p -> p.kind().equals(MetricKind.EPOCH)).toList();
    List<Point> steps = points.stream().filter(p -> p.kind().equals(MetricKind.STEP)).toList();
    assertEquals(List.of(1, 2, 3), epochs.stream().map(Point::epoch).toList());
    assertEquals(13, steps.size(), "27 steps reported every 2nd step");
    for (int i = 1; i < points.size(); i++) {
      assertTrue(points.get(i).step() >= points.get(i - 1).step(), "steps never go backwards");
    }
    double firstLoss = epochs.get(0).values().get(Metric.TRAIN_LOSS.key());
    double lastLoss = epochs.get(2).values().get(Metric.TRAIN_LOSS.key());
    assertTrue(lastLoss < firstLoss * 0.8, "training loss falls: " + firstLoss + " -> " + lastLoss);
    assertTrue(
        result.bestValAccuracy() > 0.6,
        "stripes are learnable, val acc " + result.bestValAccuracy());
    double lastLr = epochs.get(2).values().get(Metric.LR.key());
    assertTrue(lastLr < 0.05 * 0.1, "cosine schedule decays the LR, was " + lastLr);
    try (ZipFile model = new ZipFile(result.modelArchive().toFile())) {
      assertTrue(model.getEntry("kiln-model.json") != null);
      assertTrue(model.stream().anyMatch(e -> e.getName().endsWith(".params")));
    }
    assertTrue(result.imagesPerSecond() > 0);
  }

  @Test
  void aSplitDatasetTrainsOnTrainAndScoresTheHeldOutTestSplit(@TempDir Path dir) throws Exception {
    Path zip = SyntheticImages.writeSplitZip(dir.resolve("split.zip"), 40, 8, 10, 16);
    LabelledImages split = ImageArchiveReader.read(zip, SyntheticImages.CLASSES, 16);
    assertEquals(174, split.count());
    assertEquals(
        List.of(120, 24, 30),
        List.of(
            split.indicesOf(LabelledImages.TRAIN).length,
            split.indicesOf(LabelledImages.VALIDATION).length,
            split.indicesOf(LabelledImages.TEST).length));
    List<String> started = new ArrayList<>();
    List<Map<String, Object>> evaluated = new ArrayList<>();
    MetricSink sink =
        new MetricSink() {
          @Override
          public void started(String device, int totalEpochs, long stepsPerEpoch) {
            started.add(totalEpochs + "/" + stepsPerEpoch);
          }

          @Override
          public void evaluated(Map<String, Object> evaluation) {
            evaluated.add(evaluation);
          }

          @Override
          public void report(String kind, int epoch, long step, Map<String, Double> values) {}
        };
    Recipe recipe =
        Recipe.defaults()
            .with(
                Map.of(
                    "batchSize",
                    16,
                    "epochs",
                    2,
                    "inputSize",
                    16,
                    "seed",
                    7,
                    "validationFraction",
                    0.5));
    new TrainingJob(recipe, split, sink, () -> false, 2).run(dir.resolve("out"));
    assertEquals(
        List.of("2/7"),
        started,
        "the dataset's 120 training images in 7 full batches, not a half share");
    Map<String, Object> report = evaluated.get(0);
    assertEquals("test", report.get("split"));
    assertEquals(30, report.get("testImages"));
    double test = (Double) report.get("testAccuracy");
    assertTrue(test >= 0 && test <= 1 && report.get(Metric.VAL_ACCURACY.key()) instanceof Double);
    long[][] confusion = (long[][]) report.get("confusion");
    assertEquals(
        30,
        java.util.Arrays.stream(confusion).flatMapToLong(java.util.Arrays::stream).sum(),
        "the confusion matrix counts the test images");
    assertTrue(
        ((List<?>) report.get("mistakes"))
            .stream().allMatch(m -> ((Map<?, ?>) m).get("imageId").toString().startsWith("test/")),
        "mistakes name test images");
  }

  /**
   * Issue 33: a label check's fold trains on the other folds of every image (the dataset's own
   * splits ignored) and reports each held-out image's probabilities, and only those.
   */
  @Test
  void aFoldPredictsExactlyItsHeldOutImages(@TempDir Path dir) throws Exception {
    Path zip = SyntheticImages.writeSplitZip(dir.resolve("split.zip"), 40, 8, 10, 16);
    LabelledImages all = ImageArchiveReader.read(zip, SyntheticImages.CLASSES, 16);
    CrossFit.Fold fold = new CrossFit.Fold(2, 5, 7);
    List<Map<String, Object>> evaluated = new ArrayList<>();
    List<Long> stepsPerEpoch = new ArrayList<>();
    MetricSink sink =
        new MetricSink() {
          @Override
          public void started(String device, int totalEpochs, long steps) {
            stepsPerEpoch.add(steps);
          }

          @Override
          public void evaluated(Map<String, Object> evaluation) {
            evaluated.add(evaluation);
          }

          @Override
          public void report(String kind, int epoch, long step, Map<String, Double> values) {}
        };
    Recipe recipe =
        Recipe.defaults().with(Map.of("batchSize", 16, "epochs", 1, "inputSize", 16, "seed", 7));
    new TrainingJob(recipe, all, sink, () -> false, 2)
        .withHeldOutFold(fold)
        .run(dir.resolve("out"));
    CrossFit.Split split = CrossFit.split(all.labels(), fold);
    assertEquals(List.of((long) split.train().length / 16), stepsPerEpoch, "trains on 4 folds");
    Map<String, Object> report = evaluated.get(0);
    assertEquals("validation", report.get("split"));
    List<?> rows = (List<?>) report.get("heldOut");
    java.util.Set<String> expected = new java.util.HashSet<>();
    for (int i : split.heldOut()) {
      expected.add(all.ids().get(i));
    }
    java.util.Set<String> reported = new java.util.HashSet<>();
    for (Object row : rows) {
      List<?> r = (List<?>) row;
      reported.add((String) r.get(0));
      int given = ((Number) r.get(1)).intValue();
      assertEquals(all.labels()[all.ids().indexOf((String) r.get(0))], given);
      double sum = 0;
      for (int k = 3; k < r.size(); k += 2) {
        sum += ((Number) r.get(k)).doubleValue();
      }
      assertEquals(1.0, sum, 0.01, "every class listed (3 classes): probabilities sum to 1");
    }
    assertEquals(expected, reported);
    assertEquals(174 / 5 + 1, rows.size());
  }

  @Test
  void cancellationStopsWithinOneBatch(@TempDir Path out) {
    AtomicInteger batchesChecked = new AtomicInteger();
    List<Point> points = new ArrayList<>();
    Recipe recipe =
        Recipe.defaults()
            .with(
                Map.of(
                    "optimizer",
                    "adam",
                    "learningRate",
                    0.001,
                    "weightDecay",
                    0,
                    "schedule",
                    "constant",
                    "batchSize",
                    8,
                    "epochs",
                    50,
                    "inputSize",
                    16,
                    "seed",
                    7));
    assertThrows(
        TrainingCancelledException.class,
        () ->
            new TrainingJob(
                    recipe,
                    images,
                    (kind, epoch, step, values) -> points.add(new Point(kind, epoch, step, values)),
                    () -> batchesChecked.incrementAndGet() > 5,
                    1)
                .run(out));
    assertEquals(5, points.size(), "five batches trained, the sixth never started");
    assertTrue(Files.notExists(out.resolve("model.zip")));
  }
}
