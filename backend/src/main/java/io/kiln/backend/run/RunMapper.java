package io.kiln.backend.run;

import io.kiln.backend.common.Json;
import io.kiln.core.advisor.ValidationSplit;
import io.kiln.core.i18n.Text;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.recipe.RecipeParser;
import io.kiln.core.run.Placement;
import io.kiln.core.run.RunState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;

/** Converts between the persisted run and its views, and between recipes and their stored JSON. */
@ApplicationScoped
public class RunMapper {
  private static final RecipeParser STORED = new RecipeParser(Set.of());
  private final Json json;

  RunMapper(Json json) {
    this.json = json;
  }

  public RunView view(Run run) {
    return new RunView(
        run.id,
        run.name,
        run.dataset.id,
        run.dataset.name,
        run.state.name().toLowerCase(),
        recipeMap(run),
        run.createdAt,
        run.createdBy,
        run.startedAt,
        run.finishedAt,
        run.agentId,
        run.device,
        run.totalEpochs,
        run.currentEpoch,
        run.stepsPerEpoch,
        run.lastStep,
        run.bestValAccuracy,
        run.failureReason,
        run.state == RunState.FAILED ? run.failureField : null,
        run.modelPath != null,
        run.modelOnnx,
        ModelExport.unavailableReason(run),
        run.note,
        json.read(run.evaluation, RunEvaluation.class, "evaluation of run " + run.id),
        run.parentId,
        run.suggestionId,
        run.autopilot,
        run.autopilotChild,
        run.autopilotNote,
        run.dataset.version,
        run.testAccuracy,
        run.presetId,
        adjustments(run),
        run.teamId,
        RunReviews.tags(run.tags),
        run.remarks,
        run.reviewState == null
            ? null
            : new RunView.Review(
                run.reviewState, run.reviewComment, run.reviewedBy, run.reviewedAt),
        run.reviewRequestedBy == null
            ? null
            : new RunView.ReviewAsk(
                run.reviewRequestedBy, run.reviewRequestedAt, run.reviewRequestNote),
        run.archivedAt,
        run.imagesPerSecond,
        run.attempts,
        run.checkpointEpoch,
        Placement.split(run.requiredLabels),
        run.minDeviceMemoryBytes == 0 ? null : run.minDeviceMemoryBytes / (double) (1L << 30),
        run.priority,
        run.validationImages == null || run.bestValAccuracy == null
            ? null
            : ValidationSplit.of(run.validationImages, run.bestValAccuracy),
        run.autopilotNoteText == null
            ? null
            : json.read(run.autopilotNoteText, Text.class, "autopilot note of run " + run.id));
  }

  RunAdjustments adjustments(Run run) {
    return run.adjustments == null
        ? null
        : json.read(run.adjustments, RunAdjustments.class, "adjustments of run " + run.id);
  }

  public Map<String, Object> recipeMap(Run run) {
    return json.readMap(run.recipe, "recipe of run " + run.id);
  }

  public Recipe recipe(Run run) {
    return STORED.parse(recipeMap(run));
  }

  String recipeJson(Recipe recipe) {
    return json.write(recipe.toMap());
  }

  String json(Object value) {
    return json.write(value);
  }
}
