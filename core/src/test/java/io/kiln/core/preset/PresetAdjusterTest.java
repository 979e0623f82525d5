package io.kiln.core.preset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.recipe.RecipeException;
import io.kiln.core.recipe.RecipeFields;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PresetAdjusterTest {
  private static final DatasetFacts MEDIUM = new DatasetFacts(20_000, 10);
  private static final DatasetFacts SMALL = new DatasetFacts(400, 5);

  private static Preset preset(Map<String, Object> fields) {
    return new Preset("t", "Test", "d", "w", "c", "fast", List.of("T1"), fields, false);
  }

  @Test
  void everyBuiltInPresetIsAValidRecipeWithACardAndTricks() {
    assertEquals(
        List.of(
            "quick-look", "balanced", "best-accuracy", "small-data", "large-data", "small-model"),
        BuiltInPresets.ALL.stream().map(Preset::id).toList());
    for (Preset p : BuiltInPresets.ALL) {
      PresetRules.recipeOf(p.fields());
      assertFalse(
          p.description().isBlank() || p.whenToUse().isBlank() || p.cost().isBlank(), p.id());
      assertTrue(p.trickIds().stream().allMatch(t -> t.matches("T([1-9]|1[0-9]|20)")), p.id());
      assertTrue(p.fields().keySet().stream().allMatch(f -> RecipeFields.get(f) != null), p.id());
    }
  }

  @Test
  void presetsEncodeWhatTheDocumentsSay() {
    Map<String, Object> best = BuiltInPresets.find("best-accuracy").orElseThrow().fields();
    assertEquals("sgd", best.get("optimizer"));
    assertEquals(0.9, best.get("momentum"));
    assertEquals("cosine", best.get("schedule"));
    assertTrue(((Double) best.get("warmupEpochs")) > 0, "T6 warmup");
    assertTrue(((Double) best.get("cutmixProbability")) > 0, "T12 cutmix");
    Map<String, Object> small = BuiltInPresets.find("small-model").orElseThrow().fields();
    assertEquals(0.2, small.get("cropScaleMin"), "T11");
    assertEquals(0.0, small.get("labelSmoothing"), "T10");
    assertTrue((Double) small.get("weightDecay") <= 4e-5, "T9 small nets");
    Map<String, Object> fineTune = BuiltInPresets.find("small-data").orElseThrow().fields();
    assertEquals(0.001, fineTune.get("learningRate"), "T13");
    assertEquals(5L, fineTune.get("headOnlyEpochs"), "T14");
    assertEquals("pretrained", fineTune.get("initialWeights"), "T13: ImageNet weights");
    assertEquals("imagenet", fineTune.get("normalization"));
    assertEquals("adam", BuiltInPresets.find("quick-look").orElseThrow().fields().get("optimizer"));
  }

  @Test
  void t8ScalesTheRateWithAChangedBatch() {
    Preset p = preset(Map.of("learningRate", 0.05, "batchSize", 64L, "lrScaling", "none"));
    PresetAdjuster.Result r = PresetAdjuster.adjust(p, Map.of("batchSize", 256L), MEDIUM, Set.of());
    assertEquals(0.2, r.recipe().learningRate(), 1e-12);
    assertEquals("T8", r.applied().get(0).trickId());
    assertEquals(0.05, r.applied().get(0).from());
  }

  @Test
  void t8LeavesAnExplicitRateAndAPer256RateAlone() {
    Preset p = preset(Map.of("learningRate", 0.05, "batchSize", 64L, "lrScaling", "none"));
    assertEquals(
        0.07,
        PresetAdjuster.adjust(p, Map.of("batchSize", 256L, "learningRate", 0.07), MEDIUM, Set.of())
            .recipe()
            .learningRate());
    Preset linear = preset(Map.of("learningRate", 0.1, "batchSize", 64L, "lrScaling", "linear"));
    assertTrue(
        PresetAdjuster.adjust(linear, Map.of("batchSize", 256L), MEDIUM, Set.of())
            .applied()
            .isEmpty());
  }

  @Test
  void t6AddsWarmupForALargeBatch() {
    Preset p =
        preset(
            Map.of("learningRate", 0.1, "lrScaling", "linear", "epochs", 20L, "warmupEpochs", 0.0));
    PresetAdjuster.Result r = PresetAdjuster.adjust(p, Map.of("batchSize", 512L), MEDIUM, Set.of());
    assertEquals(5.0, r.recipe().warmupEpochs());
    assertEquals("T6", r.applied().get(0).trickId());
    assertTrue(
        PresetAdjuster.adjust(p, Map.of("batchSize", 256L), MEDIUM, Set.of()).applied().isEmpty());
  }

  @Test
  void t13LowersTheRateOnASmallDatasetWithPretrainedWeights() {
    Preset p = preset(Map.of("initialWeights", "run", "learningRate", 0.1, "lrScaling", "linear"));
    PresetAdjuster.Result r = PresetAdjuster.adjust(p, Map.of("initialRunId", 7L), SMALL, Set.of());
    assertEquals(0.001, r.recipe().learningRate());
    assertEquals("T13", r.applied().get(0).trickId());
    assertTrue(
        r.recipe().minLearningRate() < r.recipe().learningRate(),
        "the floor follows the rate down");
    assertTrue(
        PresetAdjuster.adjust(p, Map.of("initialRunId", 7L), MEDIUM, Set.of()).applied().isEmpty(),
        "a medium dataset keeps the rate");
    Preset random = preset(Map.of("learningRate", 0.1, "lrScaling", "linear"));
    assertTrue(
        PresetAdjuster.adjust(random, Map.of(), SMALL, Set.of()).applied().stream()
            .noneMatch(a -> a.trickId().equals("T13")),
        "T13 is about pretrained weights");
  }

  @Test
  void t17MovesMilestonesAndShortensWarmupWithTheEpochCount() {
    Preset p =
        preset(
            Map.of(
                "schedule",
                "piecewise",
                "epochs",
                30L,
                "milestones",
                List.of(10L, 20L),
                "warmupEpochs",
                5.0));
    PresetAdjuster.Result r = PresetAdjuster.adjust(p, Map.of("epochs", 6L), MEDIUM, Set.of());
    assertEquals(List.of(2, 4), r.recipe().milestones());
    assertEquals(1.0, r.recipe().warmupEpochs());
    assertEquals(
        List.of("milestones", "warmupEpochs"),
        r.applied().stream().map(Adjustment::field).toList());
  }

  @Test
  void t10SmoothingOnlyForLargeModels() {
    Preset p = preset(Map.of("architecture", "small-cnn", "labelSmoothing", 0.0));
    assertEquals(
        0.1,
        PresetAdjuster.adjust(p, Map.of("architecture", "resnet-50"), MEDIUM, Set.of())
            .recipe()
            .labelSmoothing());
    Preset smoothed = preset(Map.of("architecture", "resnet-50", "labelSmoothing", 0.1));
    assertEquals(
        0.0,
        PresetAdjuster.adjust(smoothed, Map.of("architecture", "mobilenet"), MEDIUM, Set.of())
            .recipe()
            .labelSmoothing());
  }

  @Test
  void anAdjustmentCanBeUndone() {
    Preset p = preset(Map.of("learningRate", 0.05, "batchSize", 64L, "lrScaling", "none"));
    PresetAdjuster.Result r =
        PresetAdjuster.adjust(p, Map.of("batchSize", 256L), MEDIUM, Set.of("learningRate"));
    assertEquals(0.05, r.recipe().learningRate());
    assertTrue(r.applied().isEmpty());
    assertEquals("learningRate", r.undone().get(0).field());
  }

  @Test
  void aConflictNoRuleFixesIsStillRefused() {
    Preset p = preset(Map.of("learningRate", 0.05));
    RecipeException e =
        assertThrows(
            RecipeException.class,
            () -> PresetAdjuster.adjust(p, Map.of("minLearningRate", 0.5), MEDIUM, Set.of()));
    assertTrue(e.getMessage().contains("minLearningRate"), e.getMessage());
  }

  @Test
  void presetCardsAreChecked() {
    assertTrue(PresetRules.checkCard(" ", null).startsWith("name"));
    assertEquals(null, PresetRules.checkCard("Mine", "ok"));
    assertThrows(RecipeException.class, () -> PresetRules.recipeOf(Map.of("learningRate", -1)));
    assertThrows(RecipeException.class, () -> PresetRules.recipeOf(Map.of("nonsense", 1)));
  }

  private static final DatasetFacts PHOTOS_ON_CPU = new DatasetFacts(96, 3, 120, 3, 120, false);

  @Test
  void t17EveryPresetTrainsAtTheSizeOfThePhotos() {
    for (String id : List.of("quick-look", "balanced", "best-accuracy", "small-model")) {
      PresetAdjuster.Result r =
          PresetAdjuster.adjust(
              BuiltInPresets.find(id).orElseThrow(), Map.of(), PHOTOS_ON_CPU, Set.of());
      assertEquals(112, r.recipe().inputSize(), id + ": photos of 120 px train at 112");
      Adjustment size =
          r.applied().stream().filter(a -> a.field().equals("inputSize")).findFirst().orElseThrow();
      assertEquals("T17", size.trickId());
      assertEquals("the photos are about 120 px: trained at 112 px", size.why());
    }
    // Fashion-MNIST's 28 px digits-like images keep the presets' 28 px: nothing to adjust.
    DatasetFacts mnist = new DatasetFacts(2000, 10, 2500, 1, 28, false);
    assertTrue(
        PresetAdjuster.adjust(
                BuiltInPresets.find("quick-look").orElseThrow(), Map.of(), mnist, Set.of())
            .applied()
            .isEmpty());
    // A size the person typed stays.
    assertEquals(
        64,
        PresetAdjuster.adjust(
                BuiltInPresets.find("balanced").orElseThrow(),
                Map.of("inputSize", 64L),
                PHOTOS_ON_CPU,
                Set.of())
            .recipe()
            .inputSize());
  }

  @Test
  void t17ManyLargePhotosOnACpuTrainSmallerThanTheyAre() {
    DatasetFacts many = new DatasetFacts(4_000, 10, 5_000, 3, 400, false);
    PresetAdjuster.Result r =
        PresetAdjuster.adjust(
            BuiltInPresets.find("best-accuracy").orElseThrow(), Map.of(), many, Set.of());
    assertTrue(r.recipe().inputSize() < 224, "a CPU cannot train 30 epochs of 4,000 at 224 px");
    DatasetFacts onGpu = new DatasetFacts(4_000, 10, 5_000, 3, 400, true);
    assertTrue(
        PresetAdjuster.adjust(
                    BuiltInPresets.find("best-accuracy").orElseThrow(), Map.of(), onGpu, Set.of())
                .recipe()
                .inputSize()
            > r.recipe().inputSize(),
        "a GPU affords more pixels");
  }

  @Test
  void t13PretrainedPhotosOnACpuTrainTheHeadAloneOnStoredFeatures() {
    PresetAdjuster.Result r =
        PresetAdjuster.adjust(
            BuiltInPresets.find("small-data").orElseThrow(), Map.of(), PHOTOS_ON_CPU, Set.of());
    assertEquals(r.recipe().epochs(), r.recipe().headOnlyEpochs(), "the head alone on a CPU");
    assertTrue(r.recipe().storedFeatures());
    assertEquals("imagenet", r.recipe().normalization());
    assertEquals(112, r.recipe().inputSize(), "fitted to the photos, at least 64");
    DatasetFacts gpu = new DatasetFacts(96, 3, 120, 3, 120, true);
    PresetAdjuster.Result onGpu =
        PresetAdjuster.adjust(
            BuiltInPresets.find("small-data").orElseThrow(), Map.of(), gpu, Set.of());
    assertEquals(5, onGpu.recipe().headOnlyEpochs(), "a GPU fine-tunes every layer after the head");
    // Small images are enlarged to the 64 px a pretrained network needs.
    DatasetFacts icons = new DatasetFacts(300, 3, 400, 3, 32, false);
    PresetAdjuster.Result enlarged =
        PresetAdjuster.adjust(
            BuiltInPresets.find("small-data").orElseThrow(), Map.of(), icons, Set.of());
    assertEquals(64, enlarged.recipe().inputSize());
    assertTrue(
        enlarged.applied().stream()
            .anyMatch(a -> a.why().contains("pretrained networks need at least 64 px")));
  }

  @Test
  void aSmallDatasetGetsSeveralUpdatesAnEpochAndAFewHundredInAll() {
    // 96 photos: Quick look's 3 epochs at batch 64 would be 3 updates.
    PresetAdjuster.Result quick =
        PresetAdjuster.adjust(
            BuiltInPresets.find("quick-look").orElseThrow(), Map.of(), PHOTOS_ON_CPU, Set.of());
    assertEquals(8, quick.recipe().batchSize(), "T8: 96 images / 8 steps -> batches of 8");
    assertEquals(25, quick.recipe().epochs(), "T17: 12 updates an epoch, 300 in all");
    assertEquals(0.001, quick.recipe().learningRate(), "Adam's rate does not follow the batch");
    Adjustment epochs =
        quick.applied().stream().filter(a -> a.field().equals("epochs")).findFirst().orElseThrow();
    assertEquals(
        "only 96 training images, so epochs are short: more of them make about 300 updates in all",
        epochs.why());
    // SGD without per-256 scaling follows the batch down (T8).
    Preset sgd = preset(Map.of("optimizer", "sgd", "learningRate", 0.08, "batchSize", 64L));
    PresetAdjuster.Result r = PresetAdjuster.adjust(sgd, Map.of(), PHOTOS_ON_CPU, Set.of());
    assertEquals(0.01, r.recipe().learningRate(), 1e-12);
    // What a person set stays; a medium dataset is left alone.
    assertEquals(
        64,
        PresetAdjuster.adjust(sgd, Map.of("batchSize", 64L), PHOTOS_ON_CPU, Set.of())
            .recipe()
            .batchSize());
    assertEquals(64, PresetAdjuster.adjust(sgd, Map.of(), MEDIUM, Set.of()).recipe().batchSize());
  }
}
