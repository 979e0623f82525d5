package io.kiln.backend.preset;

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
import java.util.stream.Collectors;

/** Meets a preset with a dataset and the user's own fields: the recipe to launch and why it differs. */
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

  /**
   * What launching preset {@code id} would train, for the wizard: {@code datasetId}, {@code fields}
   * (the user's overrides), {@code undoAdjustments}, {@code agentId} (whose speed to estimate with).
   */
  public Map<String, Object> preview(String id, Map<String, Object> request) {
    if (!(request.get("datasetId") instanceof Number datasetId)) {
      throw new ApiException(400, "datasetId is required", List.of(Map.of("field", "datasetId", "message",
          "is required")));
    }
    Map<String, Object> overrides = new LinkedHashMap<>();
    if (request.get("fields") instanceof Map<?, ?> fields) {
      fields.forEach((k, v) -> {
        if (v != null) {
          overrides.put(String.valueOf(k), v);
        }
      });
    }
    Dataset dataset = QuarkusTransaction.requiringNew().call(() -> {
      Dataset d = Dataset.findById(datasetId.longValue());
      if (d == null) {
        throw new ApiException(400, "dataset " + datasetId + " does not exist", List.of(Map.of("field",
            "datasetId", "message", "no such dataset")));
      }
      return d;
    });
    Plan plan = plan(id, overrides, dataset, undoFields(request.get("undoAdjustments")));
    int train = datasets.trainImages(dataset);
    Long agentId = request.get("agentId") instanceof Number n ? n.longValue() : null;
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("presetId", plan.presetId());
    out.put("recipe", plan.recipe().toMap());
    out.put("adjustments", plan.applied());
    out.put("undone", plan.undone());
    out.put("estimate", estimates.estimate(plan.recipe(), train, dataset.imageCount - train, agentId));
    return out;
  }

  /** The fields whose adjustments the user undid; 400 naming {@code undoAdjustments} unless a list of names. */
  public static Set<String> undoFields(Object value) {
    if (value == null) {
      return Set.of();
    }
    if (!(value instanceof List<?> list) || !list.stream().allMatch(String.class::isInstance)) {
      throw new ApiException(400, "undoAdjustments must be a list of field names, e.g. [\"learningRate\"]",
          List.of(Map.of("field", "undoAdjustments", "message", "must be a list of field names")));
    }
    return list.stream().map(String.class::cast).collect(Collectors.toSet());
  }
}
