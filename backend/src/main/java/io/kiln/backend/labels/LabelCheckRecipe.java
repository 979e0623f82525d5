package io.kiln.backend.labels;

import io.kiln.backend.auth.Caller;
import io.kiln.backend.dataset.Dataset;
import io.kiln.backend.preset.PresetPlanner;
import io.kiln.backend.preset.StartingPointsView;
import io.kiln.core.preset.StartingPoints;
import io.kiln.core.recipe.Recipe;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The cheapest model good enough to judge labels: a classifier on the frozen features of the
 * pretrained network the wizard would start from (T13, T14: features computed once per image and
 * agent, shared by every fold), else the Balanced small network from scratch. Never a finished run
 * of the same dataset: it has trained on the images it would judge. Every fold trains its full
 * epochs: nothing is chosen by the fold it judges.
 */
@ApplicationScoped
class LabelCheckRecipe {
  /** Epochs of the frozen-features classifier: seconds each on stored features. */
  static final long HEAD_EPOCHS = 10;

  private final PresetPlanner presets;

  LabelCheckRecipe(PresetPlanner presets) {
    this.presets = presets;
  }

  Recipe of(Dataset dataset, Caller caller) {
    StartingPointsView.StartRecommendation start =
        presets.startingPoints(dataset.id, caller).recommended();
    Map<String, Object> fields = new LinkedHashMap<>();
    String presetId = StartingPoints.SCRATCH_PRESET;
    if (start.fields().containsKey("pretrainedWeights")) {
      presetId = start.presetId();
      fields.putAll(start.fields());
      fields.put("storedFeatures", true);
      fields.put("epochs", HEAD_EPOCHS);
      fields.put("headOnlyEpochs", HEAD_EPOCHS);
    }
    // The fold's validation split is the fold it judges: choosing the epoch by it (early stopping,
    // keeping the best epoch) would pick the model that agrees most with the labels under doubt.
    fields.put("earlyStopping", false);
    fields.put("restoreBest", false);
    return presets.plan(presetId, fields, dataset, Set.of(), caller).recipe();
  }
}
