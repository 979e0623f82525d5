package io.kiln.core.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Impossible combinations are refused with a message that names the field to change. */
class RecipeRulesTest {

  private static RecipeException refused(Map<String, ?> changes) {
    return assertThrows(RecipeException.class, () -> Recipe.defaults().with(changes));
  }

  private static void refusedOn(String field, Map<String, ?> changes, String fragment) {
    RecipeException e = refused(changes);
    assertEquals(
        List.of(field),
        e.errors().stream().map(FieldError::field).distinct().toList(),
        e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void warmupLongerThanTrainingIsRefused() {
    refusedOn("warmupEpochs", Map.of("epochs", 5, "warmupEpochs", 5), "shorter than the 5 epochs");
  }

  @Test
  void minimumRateAboveTheRateIsRefused() {
    refusedOn(
        "minLearningRate", Map.of("learningRate", 0.001, "minLearningRate", 0.01), "must be below");
  }

  @Test
  void mixupAndCutmixProbabilitiesMustNotSumOverOne() {
    refusedOn(
        "cutmixProbability",
        Map.of("mixupAlpha", 0.2, "cutmixAlpha", 1.0, "mixupProbability", 0.8),
        "add up to 1.8");
    Recipe ok =
        Recipe.defaults()
            .with(
                Map.of(
                    "mixupAlpha",
                    0.2,
                    "cutmixAlpha",
                    1.0,
                    "mixupProbability",
                    0.5,
                    "cutmixProbability",
                    0.5));
    assertEquals(1.0, ok.mixupProbability() + ok.cutmixProbability());
  }

  /** Issue 14: both mixes by their strength alone alternate, half the batches each (as timm). */
  @Test
  void mixupAndCutmixTurnedOnByStrengthAloneAlternate() {
    Recipe both = Recipe.defaults().with(Map.of("mixupAlpha", 0.2, "cutmixAlpha", 1.0));
    assertEquals(0.5, both.mixupProbability());
    assertEquals(0.5, both.cutmixProbability());
    Recipe one = Recipe.defaults().with(Map.of("cutmixAlpha", 1.0));
    assertEquals(1.0, one.cutmixProbability(), "CutMix alone keeps every batch");
  }

  @Test
  void plateauModeMustFitItsMetric() {
    refusedOn(
        "plateauMode",
        Map.of("schedule", "plateau", "plateauMetric", "valAccuracy", "plateauMode", "min"),
        "T7");
    Recipe.defaults()
        .with(Map.of("schedule", "plateau", "plateauMetric", "valLoss", "plateauMode", "min"));
  }

  @Test
  void piecewiseNeedsIncreasingMilestonesInsideTraining() {
    refusedOn("milestones", Map.of("schedule", "piecewise"), "at least one milestone");
    refusedOn(
        "milestones",
        Map.of("schedule", "piecewise", "epochs", 10, "milestones", List.of(3, 12)),
        "12");
    refusedOn(
        "milestones",
        Map.of("schedule", "piecewise", "epochs", 10, "milestones", List.of(6, 3)),
        "increasing");
  }

  @Test
  void nesterovIsForSgdOnly() {
    refusedOn("nesterov", Map.of("optimizer", "adam", "nesterov", true), "sgd");
  }

  @Test
  void headOnlyStageNeedsStartingWeightsAndLeavesAFullEpoch() {
    refusedOn("headOnlyEpochs", Map.of("headOnlyEpochs", 2), "starting weights");
    refusedOn("initialRunId", Map.of("initialWeights", "run"), "finished run");
    RecipeException e =
        refused(
            Map.of("initialWeights", "run", "initialRunId", 3, "epochs", 3, "headOnlyEpochs", 4));
    assertTrue(
        e.errors().stream().anyMatch(f -> f.field().equals("headOnlyEpochs")), e.getMessage());
    // As many head-only epochs as epochs: the head alone is trained (T14's first stage only).
    Recipe headOnly =
        Recipe.defaults()
            .with(
                Map.of(
                    "initialWeights", "run", "initialRunId", 3, "epochs", 3, "headOnlyEpochs", 3));
    assertEquals(0, headOnly.fullEpochs());
    refusedOn(
        "storedFeatures",
        Map.of("initialWeights", "run", "initialRunId", 3, "storedFeatures", true),
        "head-only epochs");
  }

  @Test
  void pretrainedWeightsFillTheirOwnNetworkAtSixtyFourPixelsAndUp() {
    refusedOn(
        "pretrainedWeights", Map.of("initialWeights", "pretrained"), "name the pretrained weights");
    refusedOn(
        "pretrainedWeights",
        Map.of("initialWeights", "pretrained", "pretrainedWeights", "vgg-16"),
        "no pretrained weights are called 'vgg-16'");
    refusedOn(
        "architecture",
        Map.of(
            "initialWeights",
            "pretrained",
            "pretrainedWeights",
            "resnet-18-imagenet",
            "inputSize",
            64),
        "resnet-18-imagenet are weights for resnet-18");
    refusedOn(
        "architecture",
        Map.of("initialWeights", "pretrained", "pretrainedWeights", "imported-4", "inputSize", 64),
        "not small-cnn");
    refusedOn(
        "inputSize",
        Map.of(
            "initialWeights",
            "pretrained",
            "pretrainedWeights",
            "resnet-18-imagenet",
            "architecture",
            "resnet-18"),
        "at least 64 px");
    Recipe ok =
        Recipe.defaults()
            .with(
                Map.of(
                    "initialWeights", "pretrained",
                    "pretrainedWeights", "mobilenet-v2-imagenet",
                    "architecture", "mobilenet-v2",
                    "inputSize", 96,
                    "normalization", "imagenet",
                    "headOnlyEpochs", 5,
                    "storedFeatures", true));
    assertTrue(ok.usesPretrainedWeights());
    assertEquals(
        "imported-12", ok.with(Map.of("pretrainedWeights", "Imported-12")).pretrainedWeights());
  }

  @Test
  void anUploadedBackboneIsItsOwnArchitecture() {
    refusedOn("architecture", Map.of("initialWeights", "backbone", "backboneId", 2), "'backbone'");
    refusedOn("architecture", Map.of("architecture", "backbone"), "'backbone'");
    refusedOn(
        "backboneId",
        Map.of("architecture", "backbone", "initialWeights", "backbone"),
        "uploaded backbone");
    Recipe ok =
        Recipe.defaults()
            .with(
                Map.of(
                    "architecture",
                    "backbone",
                    "initialWeights",
                    "backbone",
                    "backboneId",
                    2,
                    "headOnlyEpochs",
                    1));
    assertTrue(ok.usesPretrainedWeights());
  }

  @Test
  void cropRangesMustBeOrdered() {
    refusedOn("cropScaleMin", Map.of("cropScaleMin", 0.9, "cropScaleMax", 0.5), "cropScaleMax");
    refusedOn("cropRatioMin", Map.of("cropRatioMin", 2.0), "cropRatioMax");
  }

  @Test
  void linearScalingRuleIsExplicit() {
    Recipe r =
        Recipe.defaults()
            .with(
                Map.of(
                    "lrScaling",
                    "linear",
                    "learningRate",
                    0.1,
                    "batchSize",
                    512,
                    "minLearningRate",
                    0.001));
    assertEquals(0.2, r.effectiveLearningRate(), 1e-12, "T8: 0.1 per 256 images at batch 512");
    assertEquals(0.1, Recipe.defaults().with("learningRate", 0.1).effectiveLearningRate(), 1e-12);
  }

  @Test
  void everyFieldHasHelpAndATrickId() {
    for (RecipeField field : RecipeFields.ALL) {
      assertTrue(!field.help().isBlank() && !field.label().isBlank(), field.name());
      assertTrue(
          field.trickIds().stream().allMatch(id -> id.matches("T([1-9]|1[0-9]|20)")), field.name());
      assertTrue(!field.trickIds().isEmpty(), field.name());
      assertTrue(Recipe.defaults().toMap().containsKey(field.name()));
    }
    assertTrue(Recipe.defaults().validate().isEmpty(), Recipe.defaults().validate().toString());
  }

  @Test
  void everyTrainingKnobOfTheDocumentsHasAField() {
    java.util.Set<String> covered = new java.util.TreeSet<>();
    RecipeFields.ALL.forEach(f -> covered.addAll(f.trickIds()));
    for (int t = 1; t <= 20; t++) {
      assertTrue(covered.contains("T" + t), "no recipe field cites T" + t);
    }
  }
}
