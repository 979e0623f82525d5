package io.kiln.agent.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.MetricKind;
import io.kiln.core.recipe.Recipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training from torchvision-format weights (issue 29) for real: gray images become three channels,
 * ImageNet normalization, the head-only stage on stored features (kept for the next run), and the
 * exported model.
 */
class PretrainedTrainingIT {
  record Point(String kind, int epoch, Map<String, Double> values) {}

  @TempDir static Path dir;
  static Path zip;
  static Path resnet18;

  @BeforeAll
  static void data() throws Exception {
    Devices.configureThreads();
    zip = SyntheticImages.writeSplitZip(dir.resolve("split.zip"), 24, 8, 8, 64);
    resnet18 = dir.resolve("resnet18.pth");
    PretrainedParityIT.python("save", "resnet-18", resnet18.toString(), "zip", "1000", "11");
  }

  private static Recipe recipe(Map<String, Object> extra) {
    Map<String, Object> fields =
        new java.util.HashMap<>(
            Map.of(
                "architecture",
                "resnet-18",
                "initialWeights",
                "pretrained",
                "pretrainedWeights",
                "resnet-18-imagenet",
                "inputSize",
                64,
                "normalization",
                "imagenet",
                "batchSize",
                8,
                "epochs",
                4,
                "headOnlyEpochs",
                3,
                "headLearningRate",
                0.05,
                "seed",
                3));
    fields.putAll(extra);
    return Recipe.defaults().with(fields);
  }

  private static LabelledImages images(Recipe recipe) throws Exception {
    return ImageArchiveReader.read(
        zip, SyntheticImages.CLASSES, 64, 8, TrainingJob.minChannels(recipe), () -> false);
  }

  private static List<Point> train(Recipe recipe, Path features, Path out) throws Exception {
    List<Point> points = new ArrayList<>();
    TrainingJob job =
        new TrainingJob(
                recipe,
                images(recipe),
                (kind, epoch, step, values) -> points.add(new Point(kind, epoch, values)),
                () -> false,
                100)
            .withInitialWeights(resnet18);
    if (features != null) {
      job.withFeatureCache(features);
    }
    TrainingResult result = job.run(out);
    points.add(new Point("result", 0, Map.of("archive", 0.0)));
    Files.writeString(out.resolve("archive-path"), result.modelArchive().toString());
    return points;
  }

  private static List<Point> epochs(List<Point> points) {
    return points.stream().filter(p -> p.kind().equals(MetricKind.EPOCH)).toList();
  }

  @Test
  void theHeadTrainsOnStoredFeaturesThenAllLayersAndTheModelTakesColour(@TempDir Path out)
      throws Exception {
    Recipe recipe = recipe(Map.of("storedFeatures", true));
    assertEquals(3, images(recipe).channels(), "gray images repeated to three channels");
    Path features = dir.resolve("cache").resolve("features.bin");
    List<Point> first = epochs(train(recipe, features, out));
    assertEquals(4, first.size());
    for (int e = 0; e < 3; e++) {
      assertEquals(1.0, first.get(e).values().get(Metric.HEAD_ONLY.key()));
      assertEquals(1.0, first.get(e).values().get(Metric.STORED_FEATURES.key()));
    }
    assertEquals(0.0, first.get(3).values().get(Metric.HEAD_ONLY.key()));
    assertNull(first.get(3).values().get(Metric.STORED_FEATURES.key()), "epoch 4: all layers");
    assertTrue(first.get(0).values().get(Metric.FEATURE_SECONDS.key()) > 0);
    assertNull(first.get(1).values().get(Metric.FEATURE_SECONDS.key()), "computed once");
    assertTrue(Files.size(features) > 72 * 512 * 4, "every image's 512 features are kept");

    Path archive = Path.of(Files.readString(out.resolve("archive-path")));
    try (ZipFile model = new ZipFile(archive.toFile())) {
      JsonNode meta =
          new ObjectMapper().readTree(model.getInputStream(model.getEntry("kiln-model.json")));
      assertEquals("[3,64,64]", meta.get("inputShape").toString());
      assertEquals(0.485, meta.get("mean").get(0).asDouble(), 1e-6, "ImageNet normalization");
      assertNotNull(model.getEntry("model.onnx"), "a pretrained run exports to ONNX");
      assertEquals("model.pth", meta.path("pytorch").path("file").asText());
      // ... and to a torchvision state dict that PyTorch loads strictly into torchvision's network.
      Path pth = out.resolve("exported.pth");
      try (var in = model.getInputStream(model.getEntry("model.pth"))) {
        Files.copy(in, pth);
      }
      PretrainedParityIT.python("sums", "resnet-18", pth.toString(), "3");
    }

    // The next run on the same data and weights reads the kept features: nothing to compute.
    List<Point> again =
        epochs(train(recipe(Map.of("storedFeatures", true, "epochs", 3)), features, out));
    assertNull(again.get(0).values().get(Metric.FEATURE_SECONDS.key()));
    assertEquals(
        first.get(0).values().get(Metric.VAL_ACCURACY.key()),
        again.get(0).values().get(Metric.VAL_ACCURACY.key()),
        "the same features give the same first epoch");
  }

  @Test
  void storedFeaturesGiveTheHeadWhatTheFrozenNetworkWouldHave(@TempDir Path out) throws Exception {
    Map<String, Object> headOnly = Map.of("epochs", 2, "headOnlyEpochs", 2);
    Map<String, Object> stored = new java.util.HashMap<>(headOnly);
    stored.put("storedFeatures", true);
    List<Point> fast = epochs(train(recipe(stored), null, out.resolve("a")));
    List<Point> slow = epochs(train(recipe(headOnly), null, out.resolve("b")));
    for (int e = 0; e < 2; e++) {
      for (Metric m : List.of(Metric.TRAIN_LOSS, Metric.VAL_LOSS, Metric.VAL_ACCURACY)) {
        assertEquals(
            slow.get(e).values().get(m.key()),
            fast.get(e).values().get(m.key()),
            1e-4,
            m.key() + " of epoch " + (e + 1));
      }
    }
    assertTrue(
        fast.get(1).values().get(Metric.IMAGES_PER_SECOND.key())
            > 5 * slow.get(1).values().get(Metric.IMAGES_PER_SECOND.key()),
        "a head epoch on stored features is many times faster");
  }

  @Test
  void headEpochsOnStoredFeaturesCheckpointAtTheStagesEndNotEveryEpoch(@TempDir Path out)
      throws Exception {
    Recipe recipe = recipe(Map.of("storedFeatures", true, "epochs", 5, "headOnlyEpochs", 4));
    List<Integer> checkpointed = new ArrayList<>();
    List<Integer> epochs = new ArrayList<>();
    MetricSink sink =
        new MetricSink() {
          @Override
          public void report(String kind, int epoch, long step, Map<String, Double> values) {
            if (MetricKind.EPOCH.equals(kind)) {
              epochs.add(epoch);
            }
          }

          @Override
          public void checkpointed(int epoch, Path dir) {
            checkpointed.add(epoch);
          }
        };
    new TrainingJob(recipe, images(recipe), sink, () -> false, 100)
        .withInitialWeights(resnet18)
        .withCheckpoints(out.resolve("checkpoints"))
        .run(out);
    assertEquals(List.of(1, 2, 3, 4, 5), epochs);
    assertEquals(
        List.of(4, 5),
        checkpointed,
        "the head stage's end and every epoch of all layers, not each head epoch");
    assertTrue(Files.exists(out.resolve("checkpoints").resolve("best.params")));
  }

  @Test
  void weightsOfAnotherNetworkFailAsASettingsProblemNamingTheField(@TempDir Path out)
      throws Exception {
    Path resnet34 = dir.resolve("resnet34.pth");
    PretrainedParityIT.python("save", "resnet-34", resnet34.toString(), "zip", "10", "1");
    Recipe recipe = recipe(Map.of());
    StartingWeightsException e =
        assertThrows(
            StartingWeightsException.class,
            () ->
                new TrainingJob(recipe, images(recipe), (k, ep, s, v) -> {}, () -> false, 100)
                    .withInitialWeights(resnet34)
                    .run(out));
    assertEquals("pretrainedWeights", e.field());
    assertTrue(e.getMessage().contains("do not fit"), e.getMessage());
    assertFalse(e.getMessage().isBlank());
  }
}
