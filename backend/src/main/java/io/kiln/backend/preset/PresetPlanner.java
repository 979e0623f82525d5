package io.kiln.backend.preset;

import io.kiln.backend.auth.Caller;
import io.kiln.backend.backbone.BackboneService;
import io.kiln.backend.backbone.BackboneView;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.dataset.Dataset;
import io.kiln.backend.dataset.DatasetService;
import io.kiln.backend.pretrained.PretrainedService;
import io.kiln.backend.pretrained.PretrainedView;
import io.kiln.core.preset.Adjustment;
import io.kiln.core.preset.DatasetFacts;
import io.kiln.core.preset.Preset;
import io.kiln.core.preset.PresetAdjuster;
import io.kiln.core.preset.PresetRules;
import io.kiln.core.preset.StartingPoints;
import io.kiln.core.pretrained.PretrainedCatalogue;
import io.kiln.core.recipe.Recipe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
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
  private final Machines machines;
  private final StartingRuns runs;
  private final PretrainedService pretrained;
  private final BackboneService backbones;

  PresetPlanner(
      PresetService presets,
      DatasetService datasets,
      ThroughputEstimate estimates,
      Machines machines,
      StartingRuns runs,
      PretrainedService pretrained,
      BackboneService backbones) {
    this.presets = presets;
    this.datasets = datasets;
    this.estimates = estimates;
    this.machines = machines;
    this.runs = runs;
    this.pretrained = pretrained;
    this.backbones = backbones;
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
    PresetAdjuster.Result result = PresetAdjuster.adjust(preset, overrides, facts(dataset), undo);
    return new Plan(preset.id(), preset.name(), result.recipe(), result.applied(), result.undone());
  }

  /**
   * What the rules know of a dataset and the machine that will train it (any agent that is up: a
   * run goes to the next free one, so the preview and the launch see the same).
   */
  DatasetFacts facts(Dataset dataset) {
    int trainImages = datasets.trainImages(dataset, Recipe.defaults().validationFraction());
    DatasetService.Images images = datasets.images(dataset);
    return new DatasetFacts(
        trainImages,
        datasets.classCounts(dataset).size(),
        images.count(),
        images.colour() ? 3 : 1,
        images.typicalSide(),
        machines.gpu(null));
  }

  /**
   * The starting points this dataset can use and the wizard's default (T13): pretrained weights
   * (with whether they can be had), finished runs and uploaded backbones, each usable or not with
   * the reason.
   */
  public StartingPointsView startingPoints(long datasetId, Caller caller) {
    Dataset dataset = visibleDataset(datasetId, caller);
    DatasetFacts facts = facts(dataset);
    List<StartingPoints.Candidate> candidates = new ArrayList<>();
    for (PretrainedView w : pretrained.list(caller)) {
      candidates.add(
          new StartingPoints.Candidate(
              StartingPoints.Kind.PRETRAINED,
              w.key(),
              w.name(),
              w.architecture(),
              PretrainedCatalogue.CHANNELS,
              0,
              "imagenet",
              "catalogue".equals(w.origin()),
              w.usable() ? null : w.detailText()));
    }
    candidates.addAll(runs.finished(caller));
    for (BackboneView b : backbones.list(caller)) {
      candidates.add(
          new StartingPoints.Candidate(
              StartingPoints.Kind.BACKBONE,
              Long.toString(b.id()),
              b.name(),
              "backbone",
              0,
              0,
              null,
              false,
              null));
    }
    List<StartingPoints.Option> options = StartingPoints.judge(candidates, facts);
    return StartingPointsView.of(facts, options, StartingPoints.recommend(options, facts));
  }

  private static Dataset visibleDataset(Long id, Caller caller) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              Dataset d = id == null ? null : Dataset.findById(id);
              if (d == null || !caller.sees(d.teamId)) {
                throw ApiException.field(
                    400, "dataset " + id + " does not exist", "datasetId", "no such dataset");
              }
              return d;
            });
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
    Dataset dataset = visibleDataset(request.datasetId(), caller);
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
