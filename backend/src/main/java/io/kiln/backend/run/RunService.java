package io.kiln.backend.run;

import io.kiln.backend.audit.Audit;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.backbone.Backbone;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.ShownText;
import io.kiln.backend.dataset.Dataset;
import io.kiln.backend.dataset.DatasetService;
import io.kiln.backend.preset.PresetPlanner;
import io.kiln.backend.pretrained.PretrainedService;
import io.kiln.backend.pretrained.PretrainedView;
import io.kiln.backend.storage.StoredFiles;
import io.kiln.core.i18n.Text;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.recipe.RecipeParser;
import io.kiln.core.run.Placement;
import io.kiln.core.run.RunState;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** What users do with runs: launch, list, inspect, cancel. */
@ApplicationScoped
public class RunService {
  private static final RecipeParser PARSER = new RecipeParser(Set.of());

  /** The most follow-up runs an autopilot may start from one run. */
  public static final int MAX_AUTOPILOT = 10;

  private final RunMapper mapper;
  private final StoredFiles files;
  private final Event<RunEvents.Changed> changed;
  private final Event<RunEvents.Queued> queued;
  private final Event<RunEvents.CancelRequested> cancelRequested;
  private final PresetPlanner presets;
  private final Audit audit;
  private final PretrainedService pretrained;
  private final RunStarts starts;
  private final DatasetService datasets;

  RunService(
      RunMapper mapper,
      StoredFiles files,
      Event<RunEvents.Changed> changed,
      Event<RunEvents.Queued> queued,
      Event<RunEvents.CancelRequested> cancelRequested,
      PresetPlanner presets,
      Audit audit,
      PretrainedService pretrained,
      RunStarts starts,
      DatasetService datasets) {
    this.datasets = datasets;
    this.pretrained = pretrained;
    this.starts = starts;
    this.presets = presets;
    this.audit = audit;
    this.mapper = mapper;
    this.files = files;
    this.changed = changed;
    this.queued = queued;
    this.cancelRequested = cancelRequested;
  }

  /** Validates the request (dataset and recipe) and queues the run. */
  @Transactional
  public RunView create(RunRequest request, Caller caller) {
    if (request == null) {
      throw ApiException.badRequest("send a JSON object with at least a datasetId");
    }
    if (request.datasetId == null) {
      throw ApiException.field(
          400,
          "datasetId is required and must be a dataset's numeric id",
          "datasetId",
          "is required");
    }
    Dataset dataset = Dataset.findById(request.datasetId);
    if (dataset == null || !caller.sees(dataset.teamId)) {
      throw ApiException.field(
          400, "dataset " + request.datasetId + " does not exist", "datasetId", "no such dataset");
    }
    int autopilot = request.autopilot == null ? 0 : request.autopilot;
    if (autopilot < 0 || autopilot > MAX_AUTOPILOT) {
      throw ApiException.field(
          400,
          "autopilot must be a whole number of follow-up runs from 0 to " + MAX_AUTOPILOT,
          "autopilot",
          "must be between 0 and " + MAX_AUTOPILOT);
    }
    Map<String, Object> overrides = new LinkedHashMap<>(request.fields());
    overrides.values().removeIf(Objects::isNull);
    PresetPlanner.Plan plan = null;
    Recipe recipe;
    if (request.presetId == null) {
      recipe = PARSER.parse(overrides);
    } else {
      plan =
          presets.plan(request.presetId, overrides, dataset, undo(request.undoAdjustments), caller);
      recipe = plan.recipe();
    }
    Run run =
        newRun(
            dataset, recipe, nameFor(request.name, dataset, recipe, plan), caller.name(), caller);
    run.autopilot = autopilot;
    placeOn(run, request);
    if (plan != null) {
      run.presetId = plan.presetId();
      run.adjustments =
          mapper.json(new RunAdjustments(plan.presetName(), plan.applied(), plan.undone()));
    }
    RunView view = queue(run);
    audit.record(caller.name(), "run-launched", "run " + run.id, run.name);
    return view;
  }

  private static Set<String> undo(List<String> fields) {
    return fields == null ? Set.of() : Set.copyOf(fields);
  }

  /**
   * Queues a run derived from {@code parent} by applying one of its suggestions.
   *
   * @param autopilotFollowUps when the autopilot applies it, the follow-up runs it may still start
   *     after this one; null when a person does
   */
  @Transactional
  public RunView createDerived(
      long parentId,
      Recipe recipe,
      long suggestionId,
      String title,
      String user,
      Integer autopilotFollowUps) {
    Run parent = find(parentId);
    Run run = newRun(parent.dataset, recipe, trimmed("#" + parent.id + " + " + title), user, null);
    run.parentId = parent.id;
    run.presetId = parent.presetId;
    run.suggestionId = suggestionId;
    run.autopilotChild = autopilotFollowUps != null;
    run.autopilot = autopilotFollowUps == null ? 0 : Math.max(0, autopilotFollowUps);
    run.requiredLabels = parent.requiredLabels;
    run.minDeviceMemoryBytes = parent.minDeviceMemoryBytes;
    run.priority = parent.priority;
    return queue(run);
  }

  /**
   * Queues fold {@code fold} of {@code folds} of label check {@code checkId}: a run like any other
   * (placed, cancellable, resumed), trained on the other folds of all the dataset's images.
   */
  @Transactional
  public RunView createFold(
      long datasetId,
      Recipe recipe,
      String name,
      Caller caller,
      long checkId,
      int fold,
      int folds) {
    Dataset dataset = Dataset.findById(datasetId);
    Run run = newRun(dataset, recipe, trimmed(name), caller.name(), caller);
    run.labelCheckId = checkId;
    run.heldOutFold = fold;
    run.heldOutFolds = folds;
    // The held-out fold is the validation split.
    run.validationImages = dataset.imageCount / folds;
    return queue(run);
  }

  /** {@code caller}: the person launching it, whose teams bound what it may start from. */
  private Run newRun(Dataset dataset, Recipe recipe, String name, String user, Caller caller) {
    if ("pretrained".equals(recipe.initialWeights())) {
      checkPretrained(recipe, caller);
    } else if ("run".equals(recipe.initialWeights())) {
      checkStartingRun(recipe, dataset, caller);
    } else if ("backbone".equals(recipe.initialWeights())
        && !visibleBackbone(recipe.backboneId(), caller)) {
      throw ApiException.field(
          400,
          "backboneId: backbone " + recipe.backboneId() + " does not exist",
          "backboneId",
          "no such backbone: upload it first");
    }
    Run run = new Run();
    run.dataset = dataset;
    run.name = name;
    run.recipe = mapper.recipeJson(recipe);
    run.state = RunState.QUEUED;
    run.totalEpochs = recipe.epochs();
    run.createdAt = Instant.now();
    run.createdBy = user;
    run.teamId = dataset.teamId;
    run.validationImages = datasets.validationImages(dataset, recipe.validationFraction());
    return run;
  }

  private RunView queue(Run run) {
    run.persist();
    RunView view = mapper.view(run);
    changed.fire(new RunEvents.Changed(view));
    queued.fire(new RunEvents.Queued(run.id));
    return view;
  }

  private static String trimmed(String name) {
    return name.length() > 200 ? name.substring(0, 200) : name;
  }

  /**
   * T13: the pretrained weights exist for the caller, fill the recipe's network, and can be had
   * (stored, or their source answers).
   */
  private void checkPretrained(Recipe recipe, Caller caller) {
    PretrainedView weights = pretrained.resolve(recipe.pretrainedWeights(), caller);
    if (!weights.architecture().equals(recipe.architecture())) {
      String problem =
          weights.key() + " are weights for " + weights.architecture() + ": choose that network";
      throw ApiException.field(400, "architecture: " + problem, "architecture", problem);
    }
    if (!weights.usable()) {
      throw ApiException.field(
          400,
          "pretrainedWeights",
          Text.of(
              "error.pretrainedUnavailable",
              "name",
              weights.name(),
              "detail",
              weights.detailText()),
          weights.detailText());
    }
  }

  /**
   * T13: the starting weights must come from a finished run of the same architecture, trained on
   * images the new ones can be given (colour weights take gray images, not the other way round),
   * and for a ResNet on the same side of 64 px (its first layer differs below).
   */
  private void checkStartingRun(Recipe recipe, Dataset dataset, Caller caller) {
    Run parent = Run.findById(recipe.initialRunId());
    String problem = null;
    if (parent == null || (caller != null && !caller.sees(parent.teamId))) {
      problem = "run " + recipe.initialRunId() + " does not exist";
    } else if (parent.state != RunState.SUCCEEDED || parent.modelPath == null) {
      problem =
          "run "
              + parent.id
              + " has no trained model (it is "
              + parent.state.name().toLowerCase()
              + ")";
    } else if (!mapper.recipe(parent).architecture().equals(recipe.architecture())) {
      problem =
          "run "
              + parent.id
              + " trained a "
              + mapper.recipe(parent).architecture()
              + ", this recipe a "
              + recipe.architecture()
              + "; starting weights need the same architecture";
    } else if (starts.channels(parent, mapper.recipe(parent)) == 1
        && datasets.images(dataset).colour()) {
      problem =
          "run "
              + parent.id
              + " was trained on gray images and this dataset has colour ones: start from pretrained"
              + " weights or a run trained on colour images";
    } else if (recipe.architecture().startsWith("resnet")
        && (mapper.recipe(parent).inputSize() < 64) != (recipe.inputSize() < 64)) {
      problem =
          "run "
              + parent.id
              + " was trained at "
              + mapper.recipe(parent).inputSize()
              + " px, and a ResNet's first layer differs below 64 px: train at "
              + mapper.recipe(parent).inputSize()
              + " px";
    }
    if (problem != null) {
      throw ApiException.field(400, "initialRunId: " + problem, "initialRunId", problem);
    }
  }

  private static boolean visibleBackbone(Long id, Caller caller) {
    Backbone backbone = id == null ? null : Backbone.findById(id);
    return backbone != null && (caller == null || caller.sees(backbone.teamId));
  }

  /** The runs of the caller's teams (archived ones included: the table hides them by default). */
  @Transactional
  public List<RunView> list(Caller caller) {
    return caller
        .listScope()
        .map(teams -> Run.<Run>find("teamId in ?1", Sort.descending("id"), teams))
        .orElseGet(() -> Run.findAll(Sort.descending("id")))
        .stream()
        .map(mapper::view)
        .toList();
  }

  /** Where the run may train and its priority, checked field by field (400 naming the field). */
  private static void placeOn(Run run, RunRequest request) {
    try {
      run.requiredLabels = Placement.join(Placement.labels(request.requiredLabels));
    } catch (IllegalArgumentException e) {
      throw ApiException.field(
          400, "requiredLabels: " + e.getMessage(), "requiredLabels", e.getMessage());
    }
    if (request.minDeviceMemoryGb != null) {
      double gb = request.minDeviceMemoryGb;
      if (!(gb >= 0 && gb <= 10_000)) {
        throw ApiException.field(
            400,
            "minDeviceMemoryGb must be between 0 and 10000",
            "minDeviceMemoryGb",
            "must be between 0 and 10000");
      }
      run.minDeviceMemoryBytes = (long) (gb * (1L << 30));
    }
    if (request.priority != null) {
      if (request.priority < -10 || request.priority > 10) {
        throw ApiException.field(
            400, "priority must be between -10 and 10", "priority", "must be between -10 and 10");
      }
      run.priority = request.priority;
    }
  }

  /** The run's attempts, oldest first. */
  @Transactional
  public List<RunView.Attempt> attempts(long id, Caller caller) {
    Run run = visible(id, caller);
    return RunAttempt.<RunAttempt>list("runId = ?1", Sort.ascending("number"), run.id).stream()
        .map(RunService::attemptView)
        .toList();
  }

  /** An agent's most recent attempts at any run, newest first (for admins). */
  @Transactional
  public List<RunView.Attempt> attemptsOfAgent(long agentId, int limit) {
    return RunAttempt.<RunAttempt>find("agentId = ?1", Sort.descending("startedAt"), agentId)
        .page(0, limit)
        .list()
        .stream()
        .map(RunService::attemptView)
        .toList();
  }

  private static RunView.Attempt attemptView(RunAttempt a) {
    return new RunView.Attempt(
        a.runId,
        a.number,
        a.agentId,
        a.startedAt,
        a.endedAt,
        a.outcome,
        a.failureClass,
        a.reason,
        a.resumedFromEpoch);
  }

  /** The queued runs' ids in the order agents would take them (priority, then oldest). */
  @Transactional
  public List<Long> queuedIds(int limit) {
    return Run.getEntityManager()
        .createQuery(
            "select r.id from Run r where r.state = :queued order by r.priority desc, r.id",
            Long.class)
        .setParameter("queued", RunState.QUEUED)
        .setMaxResults(limit)
        .getResultList();
  }

  /**
   * Each run's state ({@code queued}, {@code running}, ...); runs that do not exist are left out.
   */
  @Transactional
  public java.util.Map<Long, String> states(java.util.Collection<Long> ids) {
    java.util.Map<Long, String> states = new java.util.HashMap<>();
    if (!ids.isEmpty()) {
      Run.<Run>list("id in ?1", ids)
          .forEach(r -> states.put(r.id, r.state.name().toLowerCase(java.util.Locale.ROOT)));
    }
    return states;
  }

  @Transactional
  public RunView get(long id) {
    return mapper.view(find(id));
  }

  @Transactional
  public RunView get(long id, Caller caller) {
    return mapper.view(visible(id, caller));
  }

  /** The run if the caller sees its team, else a 404 naming the id. */
  @Transactional
  public Run visible(long id, Caller caller) {
    Run run = find(id);
    caller.see(run.teamId, "run", id);
    return run;
  }

  /** 404 unless the caller sees the run; 403 unless they launched it or lead its team. */
  @Transactional
  public void mayChange(long id, Caller caller, String action) {
    Run run = find(id);
    caller.change(run.teamId, run.createdBy, "run", id, action);
  }

  /**
   * A queued run is cancelled at once; a running one is asked to stop and confirms within a batch.
   */
  @Transactional
  public RunView cancel(long id, Caller caller) {
    Run run = find(id);
    caller.change(run.teamId, run.createdBy, "run", id, "cancel run " + id);
    if (run.state.terminal()) {
      throw new ApiException(
          409, "run " + id + " has already ended (" + run.state.name().toLowerCase() + ")");
    }
    run.cancelledBy = caller.name();
    if (run.state == RunState.QUEUED) {
      run.moveTo(RunState.CANCELLED);
      run.failureReason = "cancelled before an agent picked it up";
    } else if (run.state != RunState.CANCELLING) {
      run.moveTo(RunState.CANCELLING);
      cancelRequested.fire(new RunEvents.CancelRequested(run.id, run.agentId));
    }
    RunView view = mapper.view(run);
    changed.fire(new RunEvents.Changed(view));
    audit.record(caller.name(), "run-cancelled", "run " + id, run.name);
    return view;
  }

  /**
   * Stops a run for Kiln itself, not a person (a label check whose other fold failed): queued, it
   * is cancelled at once; held by an agent, the agent is told to stop.
   */
  @Transactional
  public void stop(long id, String reason) {
    Run run = find(id);
    if (run.state.terminal()) {
      return;
    }
    if (run.state == RunState.QUEUED) {
      run.moveTo(RunState.CANCELLED);
      run.failureReason = reason;
    } else if (run.state != RunState.CANCELLING) {
      run.moveTo(RunState.CANCELLING);
      run.failureReason = reason;
      cancelRequested.fire(new RunEvents.CancelRequested(run.id, run.agentId));
    }
    changed.fire(new RunEvents.Changed(mapper.view(run)));
  }

  /**
   * Writes what the autopilot did or decided after this run (plain words, shown on the run page and
   * pushed to its viewers).
   */
  @Transactional
  public void noteAutopilot(long runId, Text note) {
    Run run = find(runId);
    run.autopilotNote = note.english();
    run.autopilotNoteText = mapper.json(note);
    // Open pages of the run show it at once.
    changed.fire(new RunEvents.Changed(mapper.view(run)));
  }

  /** The stored model archive of a finished run. */
  @Transactional
  public Path model(long id, Caller caller) {
    Run run = visible(id, caller);
    if (run.modelPath == null) {
      throw new ApiException(
          404, "run " + id + " has no model yet (it is " + run.state.name().toLowerCase() + ")");
    }
    return files.local(run.modelPath);
  }

  /** A local copy of a run's stored model archive (the run must have one). */
  public Path modelFile(Run run) {
    return files.local(run.modelPath);
  }

  public static Run find(long id) {
    Run run = Run.findById(id);
    if (run == null) {
      throw ApiException.notFound("run", id);
    }
    return run;
  }

  private static String nameFor(
      String requested, Dataset dataset, Recipe recipe, PresetPlanner.Plan plan) {
    if (requested != null && !requested.isBlank()) {
      return trimmed(ShownText.name("name", requested.trim()));
    }
    if (plan != null) {
      return trimmed(
          dataset.name
              + " v"
              + dataset.version
              + " · "
              + plan.presetName()
              + " · "
              + recipe.epochs()
              + " epochs");
    }
    return dataset.name
        + " · "
        + recipe.optimizer()
        + " lr "
        + recipe.learningRate()
        + " · "
        + recipe.epochs()
        + " epochs";
  }
}
