package io.kiln.backend.preset;

import io.kiln.backend.auth.Caller;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.dataset.Dataset;
import io.kiln.backend.dataset.DatasetService;
import io.kiln.core.preset.Adjustment;
import io.kiln.core.preset.DatasetFacts;
import io.kiln.core.preset.Preset;
import io.kiln.core.preset.PresetAdjuster;
import io.kiln.core.preset.PresetRules;
import io.kiln.core.recipe.Recipe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Meets a preset with a dataset and the user's own fields: the recipe to launch and why it differs.
 */
@ApplicationScoped
public class PresetPlanner {
  private final PresetService presets;
  private final DatasetService datasets;
  private final ThroughputEstimate estimates;

  PresetPlanner(PresetService presets, DatasetService datasets, ThroughputEstimate estimates) {
    this.presets = presets;
    this.datasets = datasets;
    this.estimates = estimates;
  }

  /**
   * The recipe a launch gets, with the adjustments made (T6, T8, T10, T13, T17) and those the user
   * undid.
   */
  public record Plan(
      String presetId,
      String presetName,
      Recipe recipe,
      List<Adjustment> applied,
      List<Adjustment> undone) {}

  public Plan plan(
      String presetId,
      Map<String, Object> overrides,
      Dataset dataset,
      Set<String> undo,
      Caller caller) {
    Preset preset = presets.resolve(presetId, caller);
    int trainImages = datasets.trainImages(dataset, Recipe.defaults().validationFraction());
    DatasetFacts facts = new DatasetFacts(trainImages, datasets.classCounts(dataset).size());
    PresetAdjuster.Result result = PresetAdjuster.adjust(preset, overrides, facts, undo);
    return new Plan(preset.id(), preset.name(), result.recipe(), result.applied(), result.undone());
  }

  /**
   * The preset's own recipe, which the advisor compares a run against (A8); defaults when there is
   * none.
   */
  public Recipe reference(String presetId) {
    if (presetId == null) {
      return Recipe.defaults();
    }
    try {
      return PresetRules.recipeOf(presets.resolve(presetId, null).fields());
    } catch (RuntimeException deleted) {
      return Recipe.defaults();
    }
  }

  /** What launching preset {@code id} would train, for the wizard, with a time estimate. */
  public PresetRequests.PresetPreview preview(
      String id, PresetRequests.PreviewRequest request, Caller caller) {
    presets.get(id, caller); // another team's preset: 404 before anything else is checked
    if (request == null || request.datasetId() == null) {
      throw ApiException.field(400, "datasetId is required", "datasetId", "is required");
    }
    Map<String, Object> overrides = new LinkedHashMap<>();
    if (request.fields() != null) {
      request
          .fields()
          .forEach(
              (k, v) -> {
                if (v != null) {
                  overrides.put(k, v);
                }
              });
    }
    Dataset dataset =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  Dataset d = Dataset.findById(request.datasetId());
                  if (d == null || !caller.sees(d.teamId)) {
                    throw ApiException.field(
                        400,
                        "dataset " + request.datasetId() + " does not exist",
                        "datasetId",
                        "no such dataset");
                  }
                  return d;
                });
    Set<String> undo =
        request.undoAdjustments() == null ? Set.of() : Set.copyOf(request.undoAdjustments());
    Plan plan = plan(id, overrides, dataset, undo, caller);
    int train = datasets.trainImages(dataset, plan.recipe().validationFraction());
    return new PresetRequests.PresetPreview(
        plan.presetId(),
        plan.recipe().toMap(),
        plan.applied(),
        plan.undone(),
        estimates.estimate(plan.recipe(), train, dataset.imageCount - train, request.agentId()));
  }
}
