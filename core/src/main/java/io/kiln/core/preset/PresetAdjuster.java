package io.kiln.core.preset;

import io.kiln.core.i18n.Text;
import io.kiln.core.metric.Metric;
import io.kiln.core.recipe.FieldError;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.recipe.RecipeException;
import io.kiln.core.recipe.RecipeParser;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Fits a preset to a dataset and to the user's own choices, one documented rule at a time. A field
 * the user set is never changed; every change is returned with its reason so the user can undo it
 * (by naming its field in {@code undo}).
 *
 * <ul>
 *   <li>T8: a batch size other than the preset's, without a new learning rate, scales the rate
 *       linearly (only when the recipe does not already scale it per 256 images);
 *   <li>T6: a large batch (512 or more) without warmup gets warmup epochs;
 *   <li>T13: a small dataset (under 1,000 training images) on pretrained weights trains at about
 *       0.001 per 256 images, so the pretrained weights are not destroyed;
 *   <li>T13: pretrained weights get ImageNet's normalization; with little data on a CPU agent only
 *       the head trains, on stored features (T14: seconds, not minutes);
 *   <li>T10: label smoothing is for large models (ResNet-50), off for small ones;
 *   <li>T17: the image size fits the photos (and the machine, {@link ImageSize}); the schedule
 *       spans the real training length: milestones follow a changed epoch count, warmup and the
 *       head-only stage stay within training.
 * </ul>
 */
public final class PresetAdjuster {
  /** Batch sizes from here on count as large (T6). */
  public static final int LARGE_BATCH = 512;

  /** The small-dataset fine-tuning rate per 256 images (T13). */
  public static final double SMALL_DATA_RATE = 0.001;

  /** A small dataset's epoch has at least this many updates: its batch shrinks to allow it (T8). */
  public static final int MIN_STEPS_PER_EPOCH = 8;

  /** The smallest batch the rule above goes to (batch norm needs a few images per batch). */
  public static final int MIN_BATCH = 8;

  /** A small dataset trains for at least this many updates in all: its epochs are short (T17). */
  public static final int MIN_UPDATES = 300;

  /** The most epochs the rule above asks for. */
  public static final int MAX_EPOCHS_FOR_UPDATES = 100;

  private static final RecipeParser FIELDS = new RecipeParser(Set.of());

  private PresetAdjuster() {}

  /**
   * @param applied the adjustments in the recipe
   * @param undone the adjustments the user declined
   */
  public record Result(Recipe recipe, List<Adjustment> applied, List<Adjustment> undone) {}

  public static Result adjust(
      Preset preset, Map<String, ?> overrides, DatasetFacts facts, Set<String> undo) {
    Recipe base = PresetRules.recipeOf(preset.fields());
    Map<String, Object> merged = new LinkedHashMap<>(preset.fields());
    merged.putAll(overrides);
    Recipe recipe = FIELDS.parseFields(merged, Recipe.defaults());
    Set<String> userSet = new TreeSet<>(overrides.keySet());
    List<Adjustment> proposed = new ArrayList<>();
    Map<String, Object> changes = new LinkedHashMap<>();
    double presetBatch = base.batchSize();
    // T8
    if (recipe.batchSize() != presetBatch
        && !userSet.contains("learningRate")
        && !"linear".equals(recipe.lrScaling())) {
      double scaled = round(recipe.learningRate() * recipe.batchSize() / presetBatch);
      propose(
          proposed,
          changes,
          recipe,
          "learningRate",
          scaled,
          "T8",
          Text.of("adjust.batchScaling", "batch", recipe.batchSize(), "preset", (int) presetBatch));
    }
    // T13
    double per256 =
        "linear".equals(recipe.lrScaling())
            ? recipe.learningRate()
            : recipe.learningRate() * 256.0 / recipe.batchSize();
    if (facts.trainImages() < DatasetFacts.SMALL
        && recipe.usesPretrainedWeights()
        && per256 > 2 * SMALL_DATA_RATE
        && !userSet.contains("learningRate")) {
      double rate =
          "linear".equals(recipe.lrScaling())
              ? SMALL_DATA_RATE
              : round(SMALL_DATA_RATE * recipe.batchSize() / 256.0);
      propose(
          proposed,
          changes,
          recipe,
          "learningRate",
          rate,
          "T13",
          Text.of("adjust.smallData", "images", facts.trainImages()));
    }
    // T8, T17: a small dataset gets a batch that makes several updates an epoch, and enough epochs
    // to make a few hundred updates in all (a quick look of 3 epochs at batch 64 on 96 photos is 6
    // updates: a coin toss, not an answer).
    if (facts.trainImages() < DatasetFacts.SMALL) {
      smallData(recipe, facts, userSet, changes, proposed);
      watchLoss(recipe, userSet, changes, proposed);
    }
    // T13, T14
    boolean pretrained = "pretrained".equals(recipe.initialWeights());
    if (pretrained
        && !"imagenet".equals(recipe.normalization())
        && !userSet.contains("normalization")) {
      propose(
          proposed,
          changes,
          recipe,
          "normalization",
          "imagenet",
          "T13",
          Text.of("adjust.imagenetNormalization"));
    }
    if (pretrained
        && !facts.gpu()
        && facts.trainImages() < DatasetFacts.SMALL
        && recipe.headOnlyEpochs() < epochsNow(recipe, changes)
        && !userSet.contains("headOnlyEpochs")
        && !userSet.contains("epochs")) {
      propose(
          proposed,
          changes,
          recipe,
          "headOnlyEpochs",
          (long) epochsNow(recipe, changes),
          "T14",
          Text.of("adjust.headOnlyOnCpu", "images", facts.trainImages()));
      if (!userSet.contains("storedFeatures")) {
        propose(
            proposed,
            changes,
            recipe,
            "storedFeatures",
            true,
            "T14",
            Text.of("adjust.storedFeatures"));
      }
    }
    // T17: the size of the photos, within what the machine trains in reasonable time
    if (facts.typicalSide() > 0 && !userSet.contains("inputSize")) {
      fitSize(recipe, facts, pretrained, changes, proposed);
    }
    // T6
    if (recipe.batchSize() >= LARGE_BATCH
        && recipe.warmupEpochs() == 0
        && !userSet.contains("warmupEpochs")) {
      double warmup = Math.min(5, Math.max(1, recipe.fullEpochs() / 4));
      propose(
          proposed,
          changes,
          recipe,
          "warmupEpochs",
          warmup,
          "T6",
          Text.of("adjust.warmup", "batch", recipe.batchSize()));
    }
    // T10
    boolean large = "resnet-50".equals(recipe.architecture());
    if (!userSet.contains("labelSmoothing")) {
      if (large && recipe.labelSmoothing() == 0) {
        propose(
            proposed,
            changes,
            recipe,
            "labelSmoothing",
            0.1,
            "T10",
            Text.of("adjust.labelSmoothing"));
      } else if (!large && recipe.labelSmoothing() > 0 && userSet.contains("architecture")) {
        propose(
            proposed,
            changes,
            recipe,
            "labelSmoothing",
            0.0,
            "T10",
            Text.of("adjust.noLabelSmoothing", "architecture", recipe.architecture()));
      }
    }
    // T17
    if (recipe.epochs() != base.epochs()
        && !userSet.contains("milestones")
        && "piecewise".equals(recipe.schedule())) {
      List<Long> scaled = scaleMilestones(base.milestones(), base.epochs(), recipe.epochs());
      propose(
          proposed,
          changes,
          recipe,
          "milestones",
          scaled,
          "T17",
          Text.of("adjust.milestones", "epochs", recipe.epochs(), "preset", base.epochs()));
    }
    if (recipe.epochs() != base.epochs()
        && recipe.warmupEpochs() > 0
        && !userSet.contains("warmupEpochs")
        && !changes.containsKey("warmupEpochs")) {
      double scaled =
          Math.max(1, Math.round(recipe.warmupEpochs() * recipe.epochs() / base.epochs()));
      propose(
          proposed,
          changes,
          recipe,
          "warmupEpochs",
          scaled,
          "T17",
          Text.of("adjust.warmupShare", "epochs", recipe.epochs(), "preset", base.epochs()));
    }
    if (recipe.headOnlyEpochs() > recipe.epochs() && !userSet.contains("headOnlyEpochs")) {
      propose(
          proposed,
          changes,
          recipe,
          "headOnlyEpochs",
          (long) Math.max(0, recipe.epochs() / 4),
          "T17",
          Text.of("adjust.headOnly"));
    }
    double warmup =
        ((Number) changes.getOrDefault("warmupEpochs", recipe.warmupEpochs())).doubleValue();
    int head =
        ((Number) changes.getOrDefault("headOnlyEpochs", recipe.headOnlyEpochs())).intValue();
    if (warmup > 0 && warmup >= recipe.epochs() - head && !userSet.contains("warmupEpochs")) {
      propose(
          proposed,
          changes,
          recipe,
          "warmupEpochs",
          (double) Math.max(0, (recipe.epochs() - head) / 4),
          "T17",
          Text.of("adjust.warmupShorter", "epochs", recipe.epochs() - head));
    }
    return apply(recipe, proposed, undo);
  }

  private static void smallData(
      Recipe recipe,
      DatasetFacts facts,
      Set<String> userSet,
      Map<String, Object> changes,
      List<Adjustment> proposed) {
    int images = Math.max(1, facts.trainImages());
    int batch = recipe.batchSize();
    if (!userSet.contains("batchSize")) {
      int fits = Integer.highestOneBit(Math.max(1, images / MIN_STEPS_PER_EPOCH));
      int smaller = Math.max(MIN_BATCH, fits);
      if (smaller < batch) {
        propose(
            proposed,
            changes,
            recipe,
            "batchSize",
            (long) smaller,
            "T8",
            Text.of("adjust.smallBatch", "images", images, "batch", smaller));
        // SGD's rate follows its batch (T8); an adaptive optimizer's step does not scale so.
        if (!"linear".equals(recipe.lrScaling())
            && "sgd".equals(recipe.optimizer())
            && !userSet.contains("learningRate")) {
          propose(
              proposed,
              changes,
              recipe,
              "learningRate",
              round(recipe.learningRate() * smaller / batch),
              "T8",
              Text.of("adjust.batchScaling", "batch", smaller, "preset", batch));
        }
        batch = smaller;
      }
    }
    if (!userSet.contains("epochs")) {
      int steps = images > batch ? images / batch : 1;
      int needed =
          Math.min(
              MAX_EPOCHS_FOR_UPDATES, (MIN_UPDATES + steps - 1) / steps + recipe.headOnlyEpochs());
      if (needed > recipe.epochs()) {
        propose(
            proposed,
            changes,
            recipe,
            "epochs",
            (long) needed,
            "T17",
            Text.of(
                "adjust.enoughUpdates",
                "images",
                images,
                "updates",
                (long) (needed - recipe.headOnlyEpochs()) * steps));
        // T15: patience is counted in epochs; shorter epochs get more of them, or a small, noisy
        // validation split stops training at its first stumble.
        if (recipe.earlyStopping() && !userSet.contains("earlyStoppingPatience")) {
          long patience =
              Math.round(recipe.earlyStoppingPatience() * (double) needed / recipe.epochs());
          propose(
              proposed,
              changes,
              recipe,
              "earlyStoppingPatience",
              Math.min(patience, 1000L),
              "T15",
              Text.of("adjust.patience", "epochs", needed, "preset", recipe.epochs()));
        }
      }
    }
  }

  /**
   * T15, T16: on a small dataset's validation split accuracy moves in steps of several points and
   * soon ties at its best (24 images: 4 points a step), so early stopping and the kept epoch would
   * go by the first lucky epoch; validation loss keeps telling a better model from a worse.
   */
  private static void watchLoss(
      Recipe recipe, Set<String> userSet, Map<String, Object> changes, List<Adjustment> proposed) {
    if (recipe.earlyStopping()
        && Metric.VAL_ACCURACY.key().equals(recipe.earlyStoppingMetric())
        && !userSet.contains("earlyStoppingMetric")) {
      propose(
          proposed,
          changes,
          recipe,
          "earlyStoppingMetric",
          Metric.VAL_LOSS.key(),
          "T15",
          Text.of("adjust.watchLoss"));
    }
  }

  private static int epochsNow(Recipe recipe, Map<String, Object> changes) {
    return ((Number) changes.getOrDefault("epochs", recipe.epochs())).intValue();
  }

  private static void fitSize(
      Recipe recipe,
      DatasetFacts facts,
      boolean pretrained,
      Map<String, Object> changes,
      List<Adjustment> proposed) {
    int head =
        ((Number) changes.getOrDefault("headOnlyEpochs", recipe.headOnlyEpochs())).intValue();
    boolean stored = (Boolean) changes.getOrDefault("storedFeatures", recipe.storedFeatures());
    double trained =
        (double) facts.trainImages() * (epochsNow(recipe, changes) - (stored ? head : 0));
    double forward = stored && head > 0 ? facts.images() : 0;
    ImageSize.Fit fit =
        ImageSize.fit(
            recipe.architecture(),
            facts.typicalSide(),
            pretrained,
            facts.images(),
            trained,
            forward,
            pretrained ? 3 : facts.channels(),
            facts.gpu());
    String why =
        switch (fit.reason()) {
          case PHOTOS -> "adjust.inputSize.photos";
          case TIME -> "adjust.inputSize.time";
          case MEMORY -> "adjust.inputSize.memory";
          case PRETRAINED_MINIMUM -> "adjust.inputSize.pretrained";
        };
    propose(
        proposed,
        changes,
        recipe,
        "inputSize",
        (long) fit.size(),
        "T17",
        Text.of(
            why,
            "side",
            facts.typicalSide(),
            "size",
            fit.size(),
            "machine",
            facts.gpu() ? "GPU" : "CPU"));
  }

  private static Result apply(Recipe recipe, List<Adjustment> proposed, Set<String> undo) {
    Map<String, Object> kept = new LinkedHashMap<>();
    List<Adjustment> applied = new ArrayList<>();
    List<Adjustment> undone = new ArrayList<>();
    for (Adjustment a : proposed) {
      if (undo.contains(a.field())) {
        undone.add(a);
      } else {
        applied.add(a);
        kept.put(a.field(), a.to());
      }
    }
    Recipe adjusted = FIELDS.parseFields(kept, recipe);
    if (kept.containsKey("learningRate")
        && adjusted.minLearningRate() >= adjusted.effectiveLearningRate()) {
      adjusted =
          FIELDS.parseFields(
              Map.of("minLearningRate", round(adjusted.effectiveLearningRate() / 100)), adjusted);
    }
    List<FieldError> errors = adjusted.validate();
    if (!errors.isEmpty()) {
      throw new RecipeException(errors);
    }
    return new Result(adjusted, List.copyOf(applied), List.copyOf(undone));
  }

  /**
   * Later rules about the same field replace earlier ones (T13's small-data rate wins over T8's
   * scaling).
   */
  private static void propose(
      List<Adjustment> proposed,
      Map<String, Object> changes,
      Recipe recipe,
      String field,
      Object to,
      String trick,
      Text why) {
    Object from = recipe.toMap().get(field);
    if (from.equals(to)
        || (from instanceof Number f
            && to instanceof Number t
            && f.doubleValue() == t.doubleValue())) {
      return;
    }
    proposed.removeIf(a -> a.field().equals(field));
    changes.put(field, to);
    proposed.add(new Adjustment(field, from, to, trick, why.english(), why));
  }

  private static List<Long> scaleMilestones(
      List<Integer> milestones, int fromEpochs, int toEpochs) {
    TreeSet<Long> scaled = new TreeSet<>();
    for (int m : milestones) {
      long at = Math.round((double) m * toEpochs / fromEpochs);
      if (at >= 1 && at < toEpochs) {
        scaled.add(at);
      }
    }
    return List.copyOf(scaled);
  }

  private static double round(double value) {
    return Double.parseDouble(String.format(Locale.ROOT, "%.6g", value));
  }
}
