package io.kiln.core.recipe;

import io.kiln.core.metric.Metric;
import io.kiln.core.pretrained.PretrainedCatalogue;
import io.kiln.core.pretrained.TorchvisionLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a recipe's fields make sense together; single-field ranges are checked by the parser.
 * Every message names the field the user has to change.
 */
final class RecipeRules {
  /** The name of weights an admin imported: {@code imported-<id>}. */
  static final String IMPORTED = "imported-[1-9][0-9]{0,15}";

  /** Pretrained networks start with ImageNet's 7x7 stride-2 stem, which needs this much image. */
  static final int PRETRAINED_MIN_SIZE = TorchvisionLayout.MIN_SIZE;

  private RecipeRules() {}

  static List<FieldError> check(Recipe r) {
    List<FieldError> errors = new ArrayList<>();
    schedule(r, errors);
    optimizer(r, errors);
    augmentation(r, errors);
    fineTuning(r, errors);
    if (Metric.VAL_ACCURACY.key().equals(r.earlyStoppingMetric())
        && r.earlyStopping()
        && r.earlyStoppingMinDelta() >= 1) {
      errors.add(FieldError.of("earlyStoppingMinDelta", "recipe.minDeltaAccuracy"));
    }
    return errors;
  }

  private static void schedule(Recipe r, List<FieldError> errors) {
    if (r.warmupEpochs() > 0 && r.warmupEpochs() >= r.fullEpochs()) {
      errors.add(
          FieldError.of(
              "warmupEpochs",
              "recipe.warmupTooLong",
              "warmup",
              RecipeParser.format(r.warmupEpochs()),
              "epochs",
              r.fullEpochs()));
    }
    boolean floored =
        List.of("cosine", "polynomial", "exponential", "plateau").contains(r.schedule());
    if (floored && r.minLearningRate() >= r.effectiveLearningRate()) {
      errors.add(
          FieldError.of(
              "minLearningRate",
              "recipe.minRateAboveRate",
              "min",
              r.minLearningRate(),
              "rate",
              r.effectiveLearningRate()));
    }
    if ("piecewise".equals(r.schedule())) {
      List<Integer> milestones = r.milestones();
      if (milestones.isEmpty()) {
        errors.add(FieldError.of("milestones", "recipe.milestonesMissing"));
      }
      for (int i = 0; i < milestones.size(); i++) {
        if (milestones.get(i) >= r.fullEpochs()) {
          errors.add(
              FieldError.of(
                  "milestones",
                  "recipe.milestoneTooLate",
                  "milestone",
                  milestones.get(i),
                  "epochs",
                  r.fullEpochs()));
          break;
        }
        if (i > 0 && milestones.get(i) <= milestones.get(i - 1)) {
          errors.add(FieldError.of("milestones", "recipe.milestonesOrder"));
          break;
        }
      }
    }
    if ("plateau".equals(r.schedule())) {
      boolean accuracy = Metric.VAL_ACCURACY.key().equals(r.plateauMetric());
      if (accuracy != "max".equals(r.plateauMode())) {
        errors.add(
            FieldError.of(
                "plateauMode",
                "recipe.plateauMode",
                "mode",
                r.plateauMode(),
                "metric",
                r.plateauMetric()));
      }
    }
  }

  private static void optimizer(Recipe r, List<FieldError> errors) {
    if (r.nesterov() && !"sgd".equals(r.optimizer())) {
      errors.add(FieldError.of("nesterov", "recipe.nesterovSgdOnly"));
    }
    if (r.nesterov() && r.momentum() == 0) {
      errors.add(FieldError.of("nesterov", "recipe.nesterovNeedsMomentum"));
    }
    if (r.effectiveLearningRate() > 10) {
      errors.add(
          FieldError.of(
              "learningRate",
              "recipe.rateTooHigh",
              "batch",
              r.batchSize(),
              "rate",
              r.effectiveLearningRate()));
    }
  }

  private static void augmentation(Recipe r, List<FieldError> errors) {
    if (r.cropScaleMin() > r.cropScaleMax()) {
      errors.add(FieldError.of("cropScaleMin", "recipe.cropScaleOrder", "max", r.cropScaleMax()));
    }
    if (r.cropRatioMin() > r.cropRatioMax()) {
      errors.add(FieldError.of("cropRatioMin", "recipe.cropRatioOrder", "max", r.cropRatioMax()));
    }
    if (r.mixupAlpha() > 0
        && r.cutmixAlpha() > 0
        && r.mixupProbability() + r.cutmixProbability() > 1 + 1e-9) {
      errors.add(
          FieldError.of(
              "cutmixProbability",
              "recipe.mixProbabilities",
              "sum",
              r.mixupProbability() + r.cutmixProbability()));
    }
  }

  private static void fineTuning(Recipe r, List<FieldError> errors) {
    boolean backbone = "backbone".equals(r.initialWeights());
    if (backbone != "backbone".equals(r.architecture())) {
      errors.add(FieldError.of("architecture", "recipe.backboneArchitecture"));
    }
    if (backbone && r.backboneId() <= 0) {
      errors.add(FieldError.of("backboneId", "recipe.backboneMissing"));
    }
    if ("run".equals(r.initialWeights()) && r.initialRunId() <= 0) {
      errors.add(FieldError.of("initialRunId", "recipe.initialRunMissing"));
    }
    if (!r.usesPretrainedWeights() && r.headOnlyEpochs() > 0) {
      errors.add(FieldError.of("headOnlyEpochs", "recipe.headOnlyNeedsWeights"));
    }
    if (r.headOnlyEpochs() > r.epochs()) {
      errors.add(FieldError.of("headOnlyEpochs", "recipe.headOnlyTooLong", "epochs", r.epochs()));
    }
    if (r.storedFeatures() && r.headOnlyEpochs() == 0) {
      errors.add(FieldError.of("storedFeatures", "recipe.storedFeaturesNeedHead"));
    }
    if ("pretrained".equals(r.initialWeights())) {
      pretrained(r, errors);
    }
  }

  /** T13: pretrained weights fill one of the catalogue's networks, at inputs of 64 px and up. */
  private static void pretrained(Recipe r, List<FieldError> errors) {
    String weights = r.pretrainedWeights();
    if (weights.isEmpty()) {
      errors.add(FieldError.of("pretrainedWeights", "recipe.pretrainedMissing"));
      return;
    }
    var entry = PretrainedCatalogue.find(weights);
    if (entry.isEmpty() && !weights.matches(IMPORTED)) {
      errors.add(FieldError.of("pretrainedWeights", "recipe.pretrainedUnknown", "name", weights));
      return;
    }
    if (entry.isPresent() && !entry.get().architecture().equals(r.architecture())) {
      errors.add(
          FieldError.of(
              "architecture",
              "recipe.pretrainedOtherArchitecture",
              "weights",
              weights,
              "needs",
              entry.get().architecture()));
    } else if (!PretrainedCatalogue.pretrainable(r.architecture())) {
      errors.add(
          FieldError.of(
              "architecture",
              "recipe.pretrainedArchitecture",
              "architecture",
              r.architecture(),
              "choices",
              TorchvisionLayout.ARCHITECTURES));
    }
    if (r.inputSize() < PRETRAINED_MIN_SIZE) {
      errors.add(
          FieldError.of(
              "inputSize",
              "recipe.pretrainedSize",
              "min",
              PRETRAINED_MIN_SIZE,
              "size",
              r.inputSize()));
    }
  }
}
