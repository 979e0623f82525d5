package io.kiln.core.recipe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A complete, validated description of how to train one model.
 *
 * <p>The JSON form is flat (one key per field, see {@link #toMap()}); every field has a default so
 * that a dataset alone launches a good run. Defaults follow TRAINING-TRICKS.md: SGD with momentum
 * 0.9 (T1, T2), cosine decay (T4), weight decay 1e-4 for a small net on small data (T9), and a
 * held-out validation split (T16).
 */
public record Recipe(
    String architecture,
    String optimizer,
    double learningRate,
    double momentum,
    double weightDecay,
    String schedule,
    int batchSize,
    int epochs,
    int inputSize,
    double validationFraction,
    long seed) {

  public static final Set<String> ARCHITECTURES = Set.of("small-cnn");
  public static final Set<String> OPTIMIZERS = Set.of("sgd", "adam");
  public static final Set<String> SCHEDULES = Set.of("cosine", "constant");

  /** The recipe a user gets by naming only a dataset. */
  public static Recipe defaults() {
    return new Recipe("small-cnn", "sgd", 0.05, 0.9, 1e-4, "cosine", 64, 5, 28, 0.2, 42L);
  }

  /** Returns every problem with this recipe; empty when it can be trained. */
  public List<FieldError> validate() {
    List<FieldError> errors = new ArrayList<>();
    oneOf(errors, "architecture", architecture, ARCHITECTURES);
    oneOf(errors, "optimizer", optimizer, OPTIMIZERS);
    oneOf(errors, "schedule", schedule, SCHEDULES);
    if (!(learningRate > 0) || learningRate > 10) {
      errors.add(new FieldError("learningRate", "must be greater than 0 and at most 10, was " + learningRate));
    }
    if (!(momentum >= 0) || momentum >= 1) {
      errors.add(new FieldError("momentum", "must be in [0, 1), was " + momentum));
    }
    if (!(weightDecay >= 0) || weightDecay > 1) {
      errors.add(new FieldError("weightDecay", "must be in [0, 1], was " + weightDecay));
    }
    range(errors, "batchSize", batchSize, 1, 4096);
    range(errors, "epochs", epochs, 1, 1000);
    range(errors, "inputSize", inputSize, 8, 1024);
    if (!(validationFraction > 0) || validationFraction >= 1) {
      errors.add(new FieldError("validationFraction", "must be greater than 0 and less than 1, was " + validationFraction));
    }
    return errors;
  }

  /** Throws {@link RecipeException} naming every invalid field. */
  public Recipe validated() {
    List<FieldError> errors = validate();
    if (!errors.isEmpty()) {
      throw new RecipeException(errors);
    }
    return this;
  }

  /** The flat JSON-ready form; keys are the public field names of the REST API. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("architecture", architecture);
    map.put("optimizer", optimizer);
    map.put("learningRate", learningRate);
    map.put("momentum", momentum);
    map.put("weightDecay", weightDecay);
    map.put("schedule", schedule);
    map.put("batchSize", batchSize);
    map.put("epochs", epochs);
    map.put("inputSize", inputSize);
    map.put("validationFraction", validationFraction);
    map.put("seed", seed);
    return map;
  }

  private static void oneOf(List<FieldError> errors, String field, String value, Set<String> allowed) {
    if (value == null || !allowed.contains(value)) {
      errors.add(new FieldError(field, "unknown value '" + value + "', expected one of " + allowed.stream().sorted().toList()));
    }
  }

  private static void range(List<FieldError> errors, String field, int value, int min, int max) {
    if (value < min || value > max) {
      errors.add(new FieldError(field, "must be between " + min + " and " + max + ", was " + value));
    }
  }
}
