package io.kiln.agent.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.kiln.agent.training.net.Architectures;
import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.MetricKind;
import io.kiln.core.recipe.Recipe;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tricks that only show in a real training run, with DJL's PyTorch engine on small data. */
class TrainingTricksIT {
  static LabelledImages images;

  @BeforeAll
  static void load(@TempDir Path dir) throws Exception {
    Devices.configureThreads();
    Path zip = SyntheticImages.writeZip(dir.resolve("data.zip"), 40, 16, 3);
    images = ImageArchiveReader.read(zip, SyntheticImages.CLASSES, 16);
  }

  /** Collects epoch metrics and can cancel the run after a chosen epoch. */
  static final class Recorder implements MetricSink {
    final Map<Integer, Map<String, Double>> epochs = new LinkedHashMap<>();
    final List<Map<String, Double>> steps = new ArrayList<>();
    final AtomicBoolean cancel = new AtomicBoolean();
    Map<String, Object> evaluation;
    int cancelAfter = Integer.MAX_VALUE;

    @Override
    public void report(String kind, int epoch, long step, Map<String, Double> values) {
      if (MetricKind.EPOCH.equals(kind)) {
        epochs.put(epoch, values);
        if (epoch >= cancelAfter) {
          cancel.set(true);
        }
      } else {
        steps.add(values);
      }
    }

    @Override
    public void evaluated(Map<String, Object> evaluation) {
      this.evaluation = evaluation;
    }
  }

  static TrainingResult train(
      Recipe recipe, Recorder recorder, Path out, Path checkpoints, Path initial) throws Exception {
    TrainingJob job = new TrainingJob(recipe, images, recorder, recorder.cancel::get, 1);
    if (checkpoints != null) {
      job.withCheckpoints(checkpoints);
    }
    if (initial != null) {
      job.withInitialWeights(initial);
    }
    return job.run(Files.createDirectories(out));
  }

  @Test
  void manyTricksAtOnceTrainAndEvaluate(@TempDir Path out) throws Exception {
    Recipe recipe =
        Recipe.defaults()
            .with(
                Map.ofEntries(
                    Map.entry("architecture", "mobilenet"),
                    Map.entry("optimizer", "sgd"),
                    Map.entry("nesterov", true),
                    Map.entry("lrScaling", "linear"),
                    Map.entry("learningRate", 0.4),
                    Map.entry("batchSize", 16),
                    Map.entry("epochs", 4),
                    Map.entry("warmupEpochs", 1.0),
                    Map.entry("minLearningRate", 0.001),
                    Map.entry("labelSmoothing", 0.1),
                    Map.entry("dropout", 0.2),
                    Map.entry("gradientClipNorm", 5.0),
                    Map.entry("randomResizedCrop", true),
                    Map.entry("cropScaleMin", 0.5),
                    Map.entry("horizontalFlip", true),
                    Map.entry("colorJitter", 0.2),
                    Map.entry("autoAugment", "randaugment"),
                    Map.entry("randomErasingProbability", 0.25),
                    Map.entry("cutmixAlpha", 1.0),
                    Map.entry("cutmixProbability", 0.5),
                    Map.entry("mixupAlpha", 0.2),
                    Map.entry("mixupProbability", 0.3),
                    Map.entry("balanceClasses", true),
                    Map.entry("normalization", "minus-one-one"),
                    Map.entry("inputSize", 16),
                    Map.entry("seed", 5)));
    Recorder recorder = new Recorder();
    TrainingResult result = train(recipe, recorder, out, null, null);
    assertEquals(List.of(1, 2, 3, 4), List.copyOf(recorder.epochs.keySet()));
    assertTrue(
        recorder.epochs.get(4).get(Metric.TRAIN_LOSS.key())
            < recorder.epochs.get(1).get(Metric.TRAIN_LOSS.key()),
        "loss falls even under heavy augmentation: " + recorder.epochs);
    assertTrue(
        recorder.steps.stream().allMatch(s -> s.get(Metric.GRAD_NORM.key()) != null),
        "clipping reports the norm");
    double peak =
        recorder.steps.stream().mapToDouble(s -> s.get(Metric.LR.key())).max().orElseThrow();
    assertEquals(
        0.4 * 16 / 256, peak, 1e-6, "T8: 0.4 per 256 images at batch 16, reached after warmup");
    assertTrue(recorder.steps.get(0).get(Metric.LR.key()) < peak / 2, "T6: warmup starts low");
    assertNotNull(recorder.evaluation);
    assertEquals(3, ((List<?>) recorder.evaluation.get("perClass")).size());
    long[][] confusion = result.evaluation().confusion();
    long total = 0;
    for (long[] row : confusion) {
      for (long v : row) {
        total += v;
      }
    }
    assertEquals(24, total, "every validation image is in the confusion matrix");
    try (ZipFile zip = new ZipFile(result.modelArchive().toFile())) {
      assertNotNull(zip.getEntry("features.params"));
      // Kiln's own network (small CNN here) is exported to ONNX (issue 13).
      assertNotNull(zip.getEntry("model.onnx"));
    }
  }

  @Test
  void resumingFromACheckpointGivesTheSameCurves(@TempDir Path dir) throws Exception {
    Recipe recipe =
        Recipe.defaults()
            .with(
                Map.of(
                    "batchSize",
                    16,
                    "epochs",
                    4,
                    "inputSize",
                    16,
                    "warmupEpochs",
                    1.0,
                    "horizontalFlip",
                    true,
                    "cutmixAlpha",
                    1.0,
                    "labelSmoothing",
                    0.1,
                    "randomResizedCrop",
                    true,
                    "cropScaleMin",
                    0.5,
                    "seed",
                    11));
    Recorder straight = new Recorder();
    train(recipe, straight, dir.resolve("a"), dir.resolve("a-ckpt"), null);

    Recorder interrupted = new Recorder();
    interrupted.cancelAfter = 2;
    assertThrows(
        TrainingCancelledException.class,
        () -> train(recipe, interrupted, dir.resolve("b"), dir.resolve("b-ckpt"), null));
    assertEquals(List.of(1, 2), List.copyOf(interrupted.epochs.keySet()));
    Recorder resumed = new Recorder();
    train(recipe, resumed, dir.resolve("c"), dir.resolve("b-ckpt"), null);
    assertEquals(
        List.of(3, 4), List.copyOf(resumed.epochs.keySet()), "resumes after the last checkpoint");
    // The clean fit (issue 32): every epoch scores the same training images without CutMix, crops
    // or flips; under CutMix the training pass's own accuracy is of another task.
    for (var values : straight.epochs.values()) {
      double fit = values.get(Metric.FIT_ACCURACY.key());
      assertTrue(fit >= 0 && fit <= 1, "fit accuracy " + fit);
    }
    for (int epoch = 3; epoch <= 4; epoch++) {
      for (String metric :
          List.of(
              Metric.TRAIN_LOSS.key(),
              Metric.TRAIN_ACCURACY.key(),
              Metric.FIT_ACCURACY.key(),
              Metric.VAL_LOSS.key(),
              Metric.VAL_ACCURACY.key(),
              Metric.LR.key())) {
        assertEquals(
            straight.epochs.get(epoch).get(metric),
            resumed.epochs.get(epoch).get(metric),
            1e-4,
            metric + " of epoch " + epoch);
      }
    }
  }

  @Test
  void headOnlyEpochsStartFromAFinishedRunAndLeaveItsFeaturesUnchanged(@TempDir Path dir)
      throws Exception {
    Recipe parentRecipe =
        Recipe.defaults().with(Map.of("batchSize", 16, "epochs", 2, "inputSize", 16));
    TrainingResult parent = train(parentRecipe, new Recorder(), dir.resolve("parent"), null, null);

    Recipe child =
        parentRecipe.with(
            Map.of(
                "initialWeights",
                "run",
                "initialRunId",
                1,
                "headOnlyEpochs",
                1,
                "epochs",
                2,
                "headLearningRate",
                0.05,
                "learningRate",
                0.01,
                "minLearningRate",
                0.0001));
    Recorder recorder = new Recorder();
    recorder.cancelAfter = 1;
    assertThrows(
        TrainingCancelledException.class,
        () ->
            train(
                child,
                recorder,
                dir.resolve("child"),
                dir.resolve("child-ckpt"),
                parent.modelArchive()));
    assertEquals(1.0, recorder.epochs.get(1).get("headOnly"));
    assertEquals(
        0.05,
        recorder.epochs.get(1).get(Metric.LR.key()),
        1e-9,
        "T14: the head stage has its own rate");

    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, float[]> parentFeatures = features(manager, extract(parent.modelArchive(), dir));
      Block afterHeadEpoch = Architectures.build("small-cnn", 3, 16);
      Checkpoint.readParametersInto(
          afterHeadEpoch, manager, dir.resolve("child-ckpt/latest/model.params"));
      Map<String, float[]> childFeatures = values(afterHeadEpoch.getChildren().get(0).getValue());
      assertEquals(parentFeatures.keySet(), childFeatures.keySet());
      for (String name : parentFeatures.keySet()) {
        assertArrayEquals(
            parentFeatures.get(name),
            childFeatures.get(name),
            0f,
            name + " is the parent's and did not move during the head-only epoch");
      }
    }

    Recorder full = new Recorder();
    train(child, full, dir.resolve("child2"), dir.resolve("child-ckpt"), parent.modelArchive());
    assertEquals(0.0, full.epochs.get(2).get("headOnly"), "the second stage trains all layers");
  }

  @Test
  void fineTunesAnUploadedTorchScriptBackboneWithoutMovingItDuringTheHeadStage(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("backbone.pt");
    try (InputStream in = TrainingTricksIT.class.getResourceAsStream("/backbone.pt")) {
      Files.copy(in, file);
    }
    Recipe recipe =
        Recipe.defaults()
            .with(
                Map.of(
                    "architecture",
                    "backbone",
                    "initialWeights",
                    "backbone",
                    "backboneId",
                    1,
                    "headOnlyEpochs",
                    1,
                    "epochs",
                    2,
                    "headLearningRate",
                    0.05,
                    "learningRate",
                    0.01,
                    "minLearningRate",
                    0.0001,
                    "batchSize",
                    16,
                    "inputSize",
                    16));
    Map<String, float[]> original;
    try (Backbones fresh = new Backbones(file, ai.djl.Device.cpu())) {
      original = values(fresh.build(3, 1, 16).features());
    }
    Recorder recorder = new Recorder();
    recorder.cancelAfter = 1;
    assertThrows(
        TrainingCancelledException.class,
        () -> train(recipe, recorder, dir.resolve("out"), dir.resolve("ckpt"), file));
    try (Backbones fresh = new Backbones(file, ai.djl.Device.cpu());
        NDManager manager = NDManager.newBaseManager()) {
      Block afterHead = fresh.build(3, 1, 16);
      Checkpoint.readParametersInto(afterHead, manager, dir.resolve("ckpt/latest/model.params"));
      Map<String, float[]> features = values(afterHead.getChildren().get(0).getValue());
      assertEquals(original.keySet(), features.keySet());
      for (String name : original.keySet()) {
        assertArrayEquals(
            original.get(name),
            features.get(name),
            0f,
            name + " is frozen during the head stage (T14)");
      }
    }
    Recorder rest = new Recorder();
    TrainingResult result = train(recipe, rest, dir.resolve("out2"), dir.resolve("ckpt"), file);
    assertEquals(List.of(2), List.copyOf(rest.epochs.keySet()), "resumed for the all-layers stage");
    assertTrue(Double.isFinite(rest.epochs.get(2).get(Metric.TRAIN_LOSS.key())));
    try (ZipFile zip = new ZipFile(result.modelArchive().toFile())) {
      assertNotNull(zip.getEntry("features.params"));
      // No ONNX export of a TorchScript backbone; the metadata says why (issue 13).
      assertNull(zip.getEntry("model.onnx"));
      String meta = new String(zip.getInputStream(zip.getEntry("kiln-model.json")).readAllBytes());
      assertTrue(meta.contains("\"onnxUnavailable\" : \"the network fine-tunes an uploaded"), meta);
    }
  }

  @Test
  void earlyStoppingStopsAndKeepsTheBestEpoch(@TempDir Path dir) throws Exception {
    // A rate this small cannot improve validation accuracy by the minimum delta: stop after
    // patience epochs.
    Recipe recipe =
        Recipe.defaults()
            .with(
                Map.of(
                    "batchSize",
                    16,
                    "epochs",
                    8,
                    "inputSize",
                    16,
                    "learningRate",
                    1e-6,
                    "schedule",
                    "constant",
                    "earlyStopping",
                    true,
                    "earlyStoppingPatience",
                    2,
                    "earlyStoppingMinDelta",
                    0.05));
    Recorder recorder = new Recorder();
    TrainingResult result = train(recipe, recorder, dir.resolve("out"), dir.resolve("ckpt"), null);
    assertEquals(3, result.epochs(), "epoch 1 sets the best, 2 and 3 do not improve");
    assertTrue(result.stopReason().contains("T15"), result.stopReason());
    assertEquals(1, recorder.evaluation.get("bestEpoch"));
    assertEquals(
        1, recorder.evaluation.get("epoch"), "restoreBest evaluates and saves epoch 1's weights");
  }

  @Test
  void everyArchitectureTrainsAStep(@TempDir Path dir) throws Exception {
    // 8 images per class: 18 train in one batch of 16, 6 validation images.
    int[] subset =
        java.util.stream.IntStream.range(0, images.count()).filter(i -> i % 40 < 8).toArray();
    LabelledImages few =
        new LabelledImages(
            images.classNames(),
            1,
            16,
            java.util.Arrays.stream(subset).mapToObj(images.ids()::get).toList(),
            java.util.Arrays.stream(subset)
                .mapToObj(i -> images.pixels()[i])
                .toArray(float[][]::new),
            java.util.Arrays.stream(subset).map(i -> images.labels()[i]).toArray());
    for (String architecture : List.of("resnet-18", "resnet-34", "resnet-50", "mobilenet")) {
      Recipe recipe =
          Recipe.defaults()
              .with(
                  Map.of(
                      "architecture",
                      architecture,
                      "batchSize",
                      16,
                      "epochs",
                      1,
                      "inputSize",
                      16,
                      "learningRate",
                      0.01));
      Recorder recorder = new Recorder();
      new TrainingJob(recipe, few, recorder, () -> false, 1)
          .run(Files.createDirectories(dir.resolve(architecture)));
      assertTrue(
          Double.isFinite(recorder.epochs.get(1).get(Metric.TRAIN_LOSS.key())), architecture);
    }
  }

  private static Path extract(Path archive, Path dir) throws Exception {
    Path target = dir.resolve("parent-features.params");
    try (ZipFile zip = new ZipFile(archive.toFile());
        InputStream in = zip.getInputStream(zip.getEntry("features.params"))) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
    return target;
  }

  private static Map<String, float[]> features(NDManager manager, Path file) throws Exception {
    Block features = Architectures.build("small-cnn", 3, 16).features();
    Checkpoint.readParametersInto(features, manager, file);
    return values(features);
  }

  private static Map<String, float[]> values(Block block) {
    Map<String, float[]> values = new LinkedHashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      values.put(p.getKey(), p.getValue().getArray().toFloatArray());
    }
    assertFalse(values.isEmpty());
    return values;
  }
}
