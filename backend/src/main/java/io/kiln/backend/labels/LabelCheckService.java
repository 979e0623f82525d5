package io.kiln.backend.labels;

import io.kiln.backend.audit.Audit;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.Json;
import io.kiln.backend.dataset.Dataset;
import io.kiln.backend.dataset.DatasetService;
import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunService;
import io.kiln.core.labels.CrossFit;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.run.RunState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts, lists and cancels label checks. A check is k fold runs queued like any run (placed on the
 * fleet, cancellable, resumed from checkpoints); {@link LabelCheckSettle} reads their predictions
 * when the last one ends.
 */
@ApplicationScoped
public class LabelCheckService {
  /** A class needs this many images per fold to be predicted out of sample in every fold. */
  static final int MIN_IMAGES_PER_CLASS = CrossFit.DEFAULT_FOLDS * 2;

  private final DatasetService datasets;
  private final RunService runs;
  private final LabelCheckRecipe recipes;
  private final Audit audit;
  private final Json json;

  private final jakarta.enterprise.event.Event<LabelCheckEnded> ended;

  LabelCheckService(
      DatasetService datasets,
      RunService runs,
      LabelCheckRecipe recipes,
      Audit audit,
      Json json,
      jakarta.enterprise.event.Event<LabelCheckEnded> ended) {
    this.ended = ended;
    this.datasets = datasets;
    this.runs = runs;
    this.recipes = recipes;
    this.audit = audit;
    this.json = json;
  }

  /** Queues a check of dataset {@code datasetId}: one run per fold. */
  public LabelCheckView start(long datasetId, Caller caller) {
    Dataset dataset =
        QuarkusTransaction.requiringNew().call(() -> datasets.visible(datasetId, caller));
    Map<String, Integer> counts = datasets.classCounts(dataset);
    if (counts.size() < 2) {
      throw new ApiException(400, "a label check needs at least two classes to compare");
    }
    counts.forEach(
        (name, count) -> {
          if (count < MIN_IMAGES_PER_CLASS) {
            throw new ApiException(
                400,
                "class '"
                    + name
                    + "' has "
                    + count
                    + " images; a label check needs at least "
                    + MIN_IMAGES_PER_CLASS
                    + " per class, so every fold sees some of each");
          }
        });
    Recipe recipe = recipes.of(dataset, caller);
    int folds = CrossFit.foldsFor(dataset.imageCount);
    // The check and all its fold runs in one transaction: a process that dies here leaves either a
    // complete check or nothing.
    long id =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  if (LabelCheck.count(
                          "datasetId = ?1 and state = ?2", datasetId, LabelCheck.RUNNING)
                      > 0) {
                    throw new ApiException(
                        409, "a label check of this dataset is already running: wait or cancel it");
                  }
                  LabelCheck check = new LabelCheck();
                  check.datasetId = datasetId;
                  check.teamId = dataset.teamId;
                  check.state = LabelCheck.RUNNING;
                  check.folds = folds;
                  check.recipe = json.write(recipe.toMap());
                  check.createdAt = Instant.now();
                  check.createdBy = caller.name();
                  check.persist();
                  for (int f = 0; f < folds; f++) {
                    String name =
                        "Label check "
                            + check.id
                            + " of "
                            + dataset.name
                            + " v"
                            + dataset.version
                            + ", fold "
                            + (f + 1)
                            + " of "
                            + folds;
                    runs.createFold(datasetId, recipe, name, caller, check.id, f, folds);
                  }
                  return check.id;
                });
    audit.recordAlone(
        caller.name(),
        "label-check-started",
        "dataset " + datasetId,
        "label check " + id + ", " + folds + " folds");
    return QuarkusTransaction.requiringNew().call(() -> view(LabelCheck.findById(id), true));
  }

  /** The checks of a dataset, newest first. */
  @Transactional
  public List<LabelCheckView> list(long datasetId, Caller caller) {
    datasets.visible(datasetId, caller);
    List<LabelCheckView> views = new ArrayList<>();
    for (LabelCheck check :
        LabelCheck.<LabelCheck>list("datasetId", Sort.descending("id"), datasetId)) {
      // Findings only for the newest: the older ones' lists are long and superseded.
      views.add(view(check, views.isEmpty()));
    }
    return views;
  }

  @Transactional
  public LabelCheckView get(long id, Caller caller) {
    return view(visible(id, caller), true);
  }

  /** Cancels every fold run still going; the check is cancelled at once. */
  @Transactional
  public LabelCheckView cancel(long id, Caller caller) {
    LabelCheck check = visible(id, caller);
    caller.change(check.teamId, check.createdBy, "label check", id, "cancel label check " + id);
    if (!LabelCheck.RUNNING.equals(check.state)) {
      throw new ApiException(409, "label check " + id + " has already ended (" + check.state + ")");
    }
    for (Run run : Run.<Run>list("labelCheckId", id)) {
      if (!run.state.terminal()) {
        runs.cancel(run.id, caller);
      }
    }
    check.state = LabelCheck.CANCELLED;
    check.reason = "cancelled by " + caller.name();
    check.finishedAt = Instant.now();
    ended.fire(new LabelCheckEnded(check.id, 0, caller.name()));
    audit.record(
        caller.name(), "label-check-cancelled", "dataset " + check.datasetId, "label check " + id);
    return view(check, true);
  }

  static LabelCheck visible(long id, Caller caller) {
    LabelCheck check = LabelCheck.findById(id);
    if (check == null || !caller.sees(check.teamId)) {
      throw ApiException.notFound("label check", id);
    }
    return check;
  }

  LabelCheckView view(LabelCheck check, boolean withFindings) {
    Dataset dataset = Dataset.findById(check.datasetId);
    List<Run> folds = Run.list("labelCheckId", Sort.ascending("heldOutFold"), check.id);
    int done = (int) folds.stream().filter(r -> r.state == RunState.SUCCEEDED).count();
    return new LabelCheckView(
        check.id,
        check.datasetId,
        dataset.name,
        dataset.version,
        check.state,
        check.folds,
        done,
        folds.stream().map(r -> r.id).toList(),
        check.reason,
        check.createdAt,
        check.createdBy,
        check.finishedAt,
        check.appliedDatasetId == null || check.appliedDatasetId == LabelFixes.APPLYING
            ? null
            : check.appliedDatasetId,
        check.result == null || !withFindings ? null : unkept(dataset, check.result));
  }

  /** The findings without the photos kept since they were found (a keep-only apply). */
  private LabelFindings unkept(Dataset dataset, String result) {
    LabelFindings f = json.read(result, LabelFindings.class, "label findings");
    java.util.Set<String> kept = LabelKeep.keptIn(dataset.lineageId);
    if (kept.isEmpty()) {
      return f;
    }
    List<LabelFindings.Issue> issues =
        f.issues().stream().filter(i -> !kept.contains(LabelKeep.keyOf(i.imageId()))).toList();
    return new LabelFindings(
        f.images(),
        f.estimatedErrors(),
        issues,
        f.outliers().stream().filter(o -> !kept.contains(LabelKeep.keyOf(o.imageId()))).toList(),
        f.keptBefore() + f.issues().size() - issues.size());
  }
}
