package io.kiln.core.recipe;

import io.kiln.core.metric.Metric;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks that a recipe's fields make sense together; single-field ranges are checked by the parser.
 * Every message names the field the user has to change.
 */
final class RecipeRules {
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
      errors.add(new FieldError("earlyStoppingMinDelta", "must be below 1 for an accuracy"));
    }
    return errors;
  }

  private static void schedule(Recipe r, List<FieldError> errors) {
    if (r.warmupEpochs() >= r.fullEpochs()) {
      errors.add(
          new FieldError(
              "warmupEpochs",
              "warmup of "
                  + RecipeParser.format(r.warmupEpochs())
                  + " epochs must be shorter than the "
                  + r.fullEpochs()
                  + " epochs that train all layers"));
    }
    boolean floored =
        List.of("cosine", "polynomial", "exponential", "plateau").contains(r.schedule());
    if (floored && r.minLearningRate() >= r.effectiveLearningRate()) {
      errors.add(
          new FieldError(
              "minLearningRate",
              "minimum learning rate "
                  + r.minLearningRate()
                  + " must be below the learning rate "
                  + r.effectiveLearningRate()
                  + " (T4, T7)"));
    }
    if ("piecewise".equals(r.schedule())) {
      List<Integer> milestones = r.milestones();
      if (milestones.isEmpty()) {
        errors.add(
            new FieldError(
                "milestones", "the piecewise schedule needs at least one milestone epoch (T3)"));
      }
      for (int i = 0; i < milestones.size(); i++) {
        if (milestones.get(i) >= r.fullEpochs()) {
          errors.add(
              new FieldError(
                  "milestones",
                  "milestone "
                      + milestones.get(i)
                      + " is not before the end of"
                      + " training ("
                      + r.fullEpochs()
                      + " epochs)"));
          break;
        }
        if (i > 0 && milestones.get(i) <= milestones.get(i - 1)) {
          errors.add(new FieldError("milestones", "milestones must be strictly increasing"));
          break;
        }
      }
    }
    if ("plateau".equals(r.schedule())) {
      boolean accuracy = Metric.VAL_ACCURACY.key().equals(r.plateauMetric());
      if (accuracy != "max".equals(r.plateauMode())) {
        errors.add(
            new FieldError(
                "plateauMode",
                "mode '"
                    + r.plateauMode()
                    + "' does not fit "
                    + r.plateauMetric()
                    + ": use max for accuracy and min for loss, or the rate decays while the model improves (T7)"));
      }
    }
  }

  private static void optimizer(Recipe r, List<FieldError> errors) {
    if (r.nesterov() && !"sgd".equals(r.optimizer())) {
      errors.add(new FieldError("nesterov", "Nesterov momentum applies to the sgd optimizer only"));
    }
    if (r.nesterov() && r.momentum() == 0) {
      errors.add(new FieldError("nesterov", "Nesterov momentum needs a momentum above 0"));
    }
    if (r.effectiveLearningRate() > 10) {
      errors.add(
          new FieldError(
              "learningRate",
              "scaled to batch "
                  + r.batchSize()
                  + " the learning rate would be "
                  + r.effectiveLearningRate()
                  + ", above 10"));
    }
  }

  private static void augmentation(Recipe r, List<FieldError> errors) {
    if (r.cropScaleMin() > r.cropScaleMax()) {
      errors.add(
          new FieldError(
              "cropScaleMin", "must not be above cropScaleMax (" + r.cropScaleMax() + ")"));
    }
    if (r.cropRatioMin() > r.cropRatioMax()) {
      errors.add(
          new FieldError(
              "cropRatioMin", "must not be above cropRatioMax (" + r.cropRatioMax() + ")"));
    }
    if (r.mixupAlpha() > 0
        && r.cutmixAlpha() > 0
        && r.mixupProbability() + r.cutmixProbability() > 1 + 1e-9) {
      errors.add(
          new FieldError(
              "cutmixProbability",
              "mixup and CutMix probabilities add up to "
                  + (r.mixupProbability() + r.cutmixProbability())
                  + "; each batch gets at most one, so they must sum to"
                  + " at most 1 (e.g. 0.5 and 0.5)"));
    }
  }

  private static void fineTuning(Recipe r, List<FieldError> errors) {
    boolean backbone = "backbone".equals(r.initialWeights());
    if (backbone != "backbone".equals(r.architecture())) {
      errors.add(
          new FieldError(
              "architecture",
              "an uploaded backbone is its own network: choose architecture"
                  + " 'backbone' together with starting weights 'backbone', and only then"));
    }
    if (backbone && r.backboneId() <= 0) {
      errors.add(new FieldError("backboneId", "name the uploaded backbone to start from"));
    }
    if ("run".equals(r.initialWeights()) && r.initialRunId() <= 0) {
      errors.add(
          new FieldError("initialRunId", "name the finished run whose weights to start from"));
    }
    if (!r.usesPretrainedWeights() && r.headOnlyEpochs() > 0) {
      errors.add(
          new FieldError(
              "headOnlyEpochs",
              "training only the classifier needs starting weights from a"
                  + " finished run (T14); set initialWeights to 'run' or head-only epochs to 0"));
    }
    if (r.headOnlyEpochs() >= r.epochs()) {
      errors.add(
          new FieldError(
              "headOnlyEpochs",
              "must leave at least one epoch that trains all layers (of " + r.epochs() + ")"));
    }
  }
}
