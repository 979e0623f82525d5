package io.kiln.backend.run;

import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.DataDirectory;
import io.kiln.backend.dataset.Dataset;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.recipe.RecipeParser;
import io.kiln.core.run.RunState;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What users do with runs: launch, list, inspect, cancel. */
@ApplicationScoped
public class RunService {
  private static final RecipeParser PARSER = new RecipeParser(Set.of("datasetId", "name"));
  private final RunMapper mapper;
  private final DataDirectory dirs;
  private final Event<RunEvents.Changed> changed;
  private final Event<RunEvents.Queued> queued;
  private final Event<RunEvents.CancelRequested> cancelRequested;

  RunService(RunMapper mapper, DataDirectory dirs, Event<RunEvents.Changed> changed,
      Event<RunEvents.Queued> queued, Event<RunEvents.CancelRequested> cancelRequested) {
    this.mapper = mapper;
    this.dirs = dirs;
    this.changed = changed;
    this.queued = queued;
    this.cancelRequested = cancelRequested;
  }

  /** Validates the request (dataset and recipe) and queues the run. */
  @Transactional
  public RunView create(Map<String, Object> request, String user) {
    if (request == null) {
      throw ApiException.badRequest("send a JSON object with at least a datasetId");
    }
    Object datasetId = request.get("datasetId");
    if (!(datasetId instanceof Number number) || number.doubleValue() != Math.rint(number.doubleValue())) {
      throw new ApiException(400, "datasetId is required and must be a dataset's numeric id",
          List.of(Map.of("field", "datasetId", "message", "is required")));
    }
    Dataset dataset = Dataset.findById(number.longValue());
    if (dataset == null) {
      throw new ApiException(400, "dataset " + number.longValue() + " does not exist",
          List.of(Map.of("field", "datasetId", "message", "no such dataset")));
    }
    Recipe recipe = PARSER.parse(request);
    if (recipe.usesPretrainedWeights()) {
      checkStartingRun(recipe);
    }
    Run run = new Run();
    run.dataset = dataset;
    run.name = nameFor(request.get("name"), dataset, recipe);
    run.recipe = mapper.recipeJson(recipe);
    run.state = RunState.QUEUED;
    run.totalEpochs = recipe.epochs();
    run.createdAt = Instant.now();
    run.createdBy = user;
    run.persist();
    RunView view = mapper.view(run);
    changed.fire(new RunEvents.Changed(view));
    queued.fire(new RunEvents.Queued(run.id));
    return view;
  }

  /** T13: the starting weights must come from a finished run of the same architecture. */
  private void checkStartingRun(Recipe recipe) {
    Run parent = Run.findById(recipe.initialRunId());
    String problem = null;
    if (parent == null) {
      problem = "run " + recipe.initialRunId() + " does not exist";
    } else if (parent.state != RunState.SUCCEEDED || parent.modelPath == null) {
      problem = "run " + parent.id + " has no trained model (it is " + parent.state.name().toLowerCase() + ")";
    } else if (!mapper.recipe(parent).architecture().equals(recipe.architecture())) {
      problem = "run " + parent.id + " trained a " + mapper.recipe(parent).architecture() + ", this recipe a "
          + recipe.architecture() + "; starting weights need the same architecture";
    }
    if (problem != null) {
      throw new ApiException(400, "initialRunId: " + problem,
          List.of(Map.of("field", "initialRunId", "message", problem)));
    }
  }

  @Transactional
  public List<RunView> list() {
    return Run.<Run>listAll(Sort.descending("id")).stream().map(mapper::view).toList();
  }

  @Transactional
  public RunView get(long id) {
    return mapper.view(find(id));
  }

  /** A queued run is cancelled at once; a running one is asked to stop and confirms within a batch. */
  @Transactional
  public RunView cancel(long id) {
    Run run = find(id);
    if (run.state.terminal()) {
      throw new ApiException(409, "run " + id + " has already ended (" + run.state.name().toLowerCase() + ")");
    }
    if (run.state == RunState.QUEUED) {
      run.moveTo(RunState.CANCELLED);
      run.failureReason = "cancelled before an agent picked it up";
    } else if (run.state != RunState.CANCELLING) {
      run.moveTo(RunState.CANCELLING);
      cancelRequested.fire(new RunEvents.CancelRequested(run.id, run.agentId));
    }
    RunView view = mapper.view(run);
    changed.fire(new RunEvents.Changed(view));
    return view;
  }

  /** The stored model archive of a finished run. */
  @Transactional
  public Path model(long id) {
    Run run = find(id);
    if (run.modelPath == null) {
      throw new ApiException(404, "run " + id + " has no model yet (it is " + run.state.name().toLowerCase() + ")");
    }
    return dirs.root().resolve(run.modelPath);
  }

  static Run find(long id) {
    Run run = Run.findById(id);
    if (run == null) {
      throw ApiException.notFound("run", id);
    }
    return run;
  }

  private static String nameFor(Object requested, Dataset dataset, Recipe recipe) {
    if (requested instanceof String s && !s.isBlank()) {
      return s.trim().length() > 200 ? s.trim().substring(0, 200) : s.trim();
    }
    return dataset.name + " · " + recipe.optimizer() + " lr " + recipe.learningRate() + " · " + recipe.epochs()
        + " epochs";
  }
}
