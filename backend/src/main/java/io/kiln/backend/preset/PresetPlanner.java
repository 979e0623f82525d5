package io.kiln.backend.preset;

import io.kiln.backend.dataset.Dataset;
import io.kiln.backend.dataset.DatasetService;
import io.kiln.core.preset.Adjustment;
import io.kiln.core.preset.DatasetFacts;
import io.kiln.core.preset.Preset;
import io.kiln.core.preset.PresetAdjuster;
import io.kiln.core.preset.PresetRules;
import io.kiln.core.recipe.Recipe;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Meets a preset with a dataset and the user's own fields: the recipe to launch and why it differs. */
@ApplicationScoped
public class PresetPlanner {
  private final PresetService presets;
  private final DatasetService datasets;

  PresetPlanner(PresetService presets, DatasetService datasets) {
    this.presets = presets;
    this.datasets = datasets;
  }

  /** The recipe a launch gets, with the adjustments made (T6, T8, T10, T13, T17) and those the user undid. */
  public record Plan(String presetId, String presetName, Recipe recipe, List<Adjustment> applied,
      List<Adjustment> undone) {}

  public Plan plan(String presetId, Map<String, Object> overrides, Dataset dataset, Set<String> undo) {
    Preset preset = presets.resolve(presetId);
    DatasetFacts facts = new DatasetFacts(datasets.trainImages(dataset), datasets.classCounts(dataset).size());
    PresetAdjuster.Result result = PresetAdjuster.adjust(preset, overrides, facts, undo);
    return new Plan(preset.id(), preset.name(), result.recipe(), result.applied(), result.undone());
  }

  /** The preset's own recipe, which the advisor compares a run against (A8); defaults when there is none. */
  public Recipe reference(String presetId) {
    if (presetId == null) {
      return Recipe.defaults();
    }
    try {
      return PresetRules.recipeOf(presets.resolve(presetId).fields());
    } catch (RuntimeException deleted) {
      return Recipe.defaults();
    }
  }
}
