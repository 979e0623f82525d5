package io.kiln.backend.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.recipe.RecipeParser;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Converts between the persisted run and its views, and between recipes and their stored JSON. */
@ApplicationScoped
public class RunMapper {
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
  private final ObjectMapper json;

  RunMapper(ObjectMapper json) {
    this.json = json;
  }

  public RunView view(Run run) {
    return new RunView(run.id, run.name, run.dataset.id, run.dataset.name, run.state.name().toLowerCase(),
        recipeMap(run), run.createdAt, run.createdBy, run.startedAt, run.finishedAt, run.agentId, run.device,
        run.totalEpochs, run.currentEpoch, run.stepsPerEpoch, run.lastStep, run.bestValAccuracy,
        run.failureReason, run.modelPath != null, run.note, evaluation(run), run.parentId, run.suggestionId,
        run.autopilot, run.autopilotChild, run.autopilotNote, run.dataset.version, run.testAccuracy, run.presetId,
        adjustments(run));
  }

  private Map<String, Object> adjustments(Run run) {
    if (run.adjustments == null) {
      return null;
    }
    try {
      return json.readValue(run.adjustments, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt adjustments of run " + run.id, e);
    }
  }

  public String json(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, Object> evaluation(Run run) {
    if (run.evaluation == null) {
      return null;
    }
    try {
      return json.readValue(run.evaluation, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt evaluation of run " + run.id, e);
    }
  }

  public String evaluationJson(Map<String, Object> evaluation) {
    try {
      return json.writeValueAsString(evaluation);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("evaluation is not serializable", e);
    }
  }

  public Map<String, Object> recipeMap(Run run) {
    try {
      return json.readValue(run.recipe, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt recipe of run " + run.id, e);
    }
  }

  public Recipe recipe(Run run) {
    return new RecipeParser(Set.of()).parse(recipeMap(run));
  }

  public String recipeJson(Recipe recipe) {
    try {
      return json.writeValueAsString(recipe.toMap());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
