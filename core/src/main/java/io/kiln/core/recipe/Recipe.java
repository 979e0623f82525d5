package io.kiln.core.recipe;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A complete description of how to train one model: every field of {@link RecipeFields} with a
 * value. Immutable; obtained from {@link #defaults()} or a {@link RecipeParser}, changed with
 * {@link #with(Map)} (how presets and suggestion patches apply).
 *
 * <p>The JSON form is flat, one key per field (see {@link #toMap()}).
 */
public final class Recipe {
  private static final RecipeParser PATCHER = new RecipeParser(Set.of());
  private static final Recipe DEFAULTS = new Recipe(defaultValues());

  private final Map<String, Object> values;

  /**
   * @param values normalized values for every field (see {@link RecipeParser})
   */
  Recipe(Map<String, Object> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  /** The recipe a user gets by naming only a dataset. */
  public static Recipe defaults() {
    return DEFAULTS;
  }

  /**
   * A copy with these fields changed, validated: throws {@link RecipeException} naming bad fields.
   */
  public Recipe with(Map<String, ?> changes) {
    return PATCHER.parse(changes, this);
  }

  public Recipe with(String field, Object value) {
    return with(Map.of(field, value));
  }

  /** Returns every problem with this recipe; empty when it can be trained. */
  public List<FieldError> validate() {
    return RecipeRules.check(this);
  }

  /** The flat JSON-ready form; keys are the public field names of the REST API. */
  public Map<String, Object> toMap() {
    return values;
  }

  /** The learning rate actually used: with linear scaling (T8), learningRate x batchSize / 256. */
  public double effectiveLearningRate() {
    return "linear".equals(lrScaling()) ? learningRate() * batchSize() / 256.0 : learningRate();
  }

  /**
   * Epochs that train every layer, after the head-only stage (T14); the schedule spans these (T17).
   */
  public int fullEpochs() {
    return epochs() - headOnlyEpochs();
  }

  public boolean usesPretrainedWeights() {
    return !"random".equals(initialWeights());
  }

  public String architecture() {
    return text("architecture");
  }

  public int inputSize() {
    return integer("inputSize");
  }

  public String optimizer() {
    return text("optimizer");
  }

  public double learningRate() {
    return number("learningRate");
  }

  public String lrScaling() {
    return text("lrScaling");
  }

  public double momentum() {
    return number("momentum");
  }

  public boolean nesterov() {
    return flag("nesterov");
  }

  public double beta1() {
    return number("beta1");
  }

  public double beta2() {
    return number("beta2");
  }

  public double epsilon() {
    return number("epsilon");
  }

  public int batchSize() {
    return integer("batchSize");
  }

  public double gradientClipNorm() {
    return number("gradientClipNorm");
  }

  public int epochs() {
    return integer("epochs");
  }

  public String schedule() {
    return text("schedule");
  }

  public double warmupEpochs() {
    return number("warmupEpochs");
  }

  public double minLearningRate() {
    return number("minLearningRate");
  }

  public double decayFactor() {
    return number("decayFactor");
  }

  public double polynomialPower() {
    return number("polynomialPower");
  }

  public double exponentialRate() {
    return number("exponentialRate");
  }

  public String plateauMetric() {
    return text("plateauMetric");
  }

  public String plateauMode() {
    return text("plateauMode");
  }

  public int plateauPatience() {
    return integer("plateauPatience");
  }

  public double weightDecay() {
    return number("weightDecay");
  }

  public double labelSmoothing() {
    return number("labelSmoothing");
  }

  public double dropout() {
    return number("dropout");
  }

  public boolean randomResizedCrop() {
    return flag("randomResizedCrop");
  }

  public double cropScaleMin() {
    return number("cropScaleMin");
  }

  public double cropScaleMax() {
    return number("cropScaleMax");
  }

  public double cropRatioMin() {
    return number("cropRatioMin");
  }

  public double cropRatioMax() {
    return number("cropRatioMax");
  }

  public boolean horizontalFlip() {
    return flag("horizontalFlip");
  }

  public boolean verticalFlip() {
    return flag("verticalFlip");
  }

  public double colorJitter() {
    return number("colorJitter");
  }

  public String autoAugment() {
    return text("autoAugment");
  }

  public int randAugmentOps() {
    return integer("randAugmentOps");
  }

  public int randAugmentMagnitude() {
    return integer("randAugmentMagnitude");
  }

  public double cutoutSize() {
    return number("cutoutSize");
  }

  public double randomErasingProbability() {
    return number("randomErasingProbability");
  }

  public double gridMaskProbability() {
    return number("gridMaskProbability");
  }

  public double hideAndSeekProbability() {
    return number("hideAndSeekProbability");
  }

  public double mixupAlpha() {
    return number("mixupAlpha");
  }

  public double mixupProbability() {
    return number("mixupProbability");
  }

  public double cutmixAlpha() {
    return number("cutmixAlpha");
  }

  public double cutmixProbability() {
    return number("cutmixProbability");
  }

  public String normalization() {
    return text("normalization");
  }

  public double validationFraction() {
    return number("validationFraction");
  }

  public boolean balanceClasses() {
    return flag("balanceClasses");
  }

  public long seed() {
    return ((Number) values.get("seed")).longValue();
  }

  public boolean earlyStopping() {
    return flag("earlyStopping");
  }

  public String earlyStoppingMetric() {
    return text("earlyStoppingMetric");
  }

  public int earlyStoppingPatience() {
    return integer("earlyStoppingPatience");
  }

  public double earlyStoppingMinDelta() {
    return number("earlyStoppingMinDelta");
  }

  public boolean restoreBest() {
    return flag("restoreBest");
  }

  public String initialWeights() {
    return text("initialWeights");
  }

  public long initialRunId() {
    return ((Number) values.get("initialRunId")).longValue();
  }

  public long backboneId() {
    return ((Number) values.get("backboneId")).longValue();
  }

  /** The catalogue id or {@code imported-<id>} of the pretrained weights; empty when none. */
  public String pretrainedWeights() {
    return text("pretrainedWeights");
  }

  /** The head-only stage trains on features computed once (T14). */
  public boolean storedFeatures() {
    return flag("storedFeatures");
  }

  public int headOnlyEpochs() {
    return integer("headOnlyEpochs");
  }

  public double headLearningRate() {
    return number("headLearningRate");
  }

  /** Piecewise milestones in epochs, ascending. */
  @SuppressWarnings("unchecked")
  public List<Integer> milestones() {
    return ((List<Number>) values.get("milestones")).stream().map(Number::intValue).toList();
  }

  private String text(String key) {
    return (String) values.get(key);
  }

  private double number(String key) {
    return ((Number) values.get(key)).doubleValue();
  }

  private int integer(String key) {
    return ((Number) values.get(key)).intValue();
  }

  private boolean flag(String key) {
    return (Boolean) values.get(key);
  }

  private static Map<String, Object> defaultValues() {
    Map<String, Object> map = new LinkedHashMap<>();
    for (RecipeField field : RecipeFields.ALL) {
      map.put(field.name(), field.defaultValue());
    }
    return map;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Recipe other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "Recipe" + values;
  }
}
