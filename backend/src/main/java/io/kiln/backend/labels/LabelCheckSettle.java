package io.kiln.backend.labels;

import io.kiln.backend.common.Json;
import io.kiln.backend.dataset.Dataset;
import io.kiln.backend.dataset.DatasetService;
import io.kiln.backend.run.HeldOutPredictions;
import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunService;
import io.kiln.core.labels.ConfidentLearning;
import io.kiln.core.labels.Prediction;
import io.kiln.core.run.RunState;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Ends a label check once its last fold run has ended: cancelled or failed when one of them was
 * (naming the fold), else confident learning over every fold's out-of-sample predictions.
 * Idempotent (a check ends once), so a replica or a restart may call it again.
 */
@ApplicationScoped
class LabelCheckSettle {
  /** Findings stored at most (the column holds a million characters). */
  static final int MAX_FINDINGS_CHARS = 800_000;

  private final HeldOutPredictions predictions;
  private final DatasetService datasets;
  private final Json json;
  private final RunService runs;
  private final Event<LabelCheckEnded> endings;

  LabelCheckSettle(
      HeldOutPredictions predictions,
      DatasetService datasets,
      Json json,
      RunService runs,
      Event<LabelCheckEnded> endings) {
    this.runs = runs;
    this.endings = endings;
    this.predictions = predictions;
    this.datasets = datasets;
    this.json = json;
  }

  @Transactional
  void settle(long checkId) {
    LabelCheck check = LabelCheck.findById(checkId);
    if (check == null || !LabelCheck.RUNNING.equals(check.state)) {
      return;
    }
    List<Run> folds = Run.list("labelCheckId", Sort.ascending("heldOutFold"), checkId);
    // A fold that ended without success ends the check at once; its siblings stop too.
    Optional<Run> ended =
        folds.stream().filter(r -> r.state.terminal() && r.state != RunState.SUCCEEDED).findFirst();
    if (ended.isEmpty()
        && (folds.size() < check.folds || folds.stream().anyMatch(r -> !r.state.terminal()))) {
      return;
    }
    if (ended.isPresent()) {
      folds.stream()
          .filter(r -> !r.state.terminal())
          .forEach(r -> runs.stop(r.id, "its label check ended: another fold did not succeed"));
      Run run = ended.get();
      boolean cancelled = run.state == RunState.CANCELLED;
      end(
          check,
          cancelled ? LabelCheck.CANCELLED : LabelCheck.FAILED,
          "fold "
              + (run.heldOutFold + 1)
              + " (run "
              + run.id
              + ") "
              + (cancelled ? "was cancelled" : "failed")
              + (run.failureReason == null ? "" : ": " + run.failureReason));
      return;
    }
    Dataset dataset = Dataset.findById(check.datasetId);
    List<String> classes = List.copyOf(datasets.classCounts(dataset).keySet());
    List<String> ids = new ArrayList<>();
    List<Prediction> all = new ArrayList<>();
    for (Run run : folds) {
      Optional<List<List<Object>>> rows;
      try {
        rows = predictions.of(run.id);
      } catch (RuntimeException unreadable) {
        end(
            check,
            LabelCheck.FAILED,
            "fold " + (run.heldOutFold + 1) + "'s predictions cannot be read: " + unreadable);
        return;
      }
      if (rows.isEmpty()) {
        end(check, LabelCheck.FAILED, "fold " + (run.heldOutFold + 1) + " reported no predictions");
        return;
      }
      try {
        for (List<Object> row : rows.get()) {
          all.add(prediction(row, classes.size()));
          ids.add((String) row.get(0));
        }
      } catch (RuntimeException malformed) {
        end(
            check,
            LabelCheck.FAILED,
            "fold " + (run.heldOutFold + 1) + " reported unreadable predictions: " + malformed);
        return;
      }
    }
    LabelFindings findings = findings(dataset, classes, ids, all);
    check.result = json.write(findings);
    end(check, LabelCheck.SUCCEEDED, null);
    endings.fire(new LabelCheckEnded(check.id, findings.issues().size()));
  }

  private void end(LabelCheck check, String state, String reason) {
    check.state = state;
    check.reason = reason;
    check.finishedAt = Instant.now();
    if (!LabelCheck.SUCCEEDED.equals(state)) {
      endings.fire(new LabelCheckEnded(check.id, 0));
    }
  }

  /** One reported row: {@code [imageId, given, class, probability, ...]}; refuses a bad one. */
  static Prediction prediction(List<Object> row, int classCount) {
    if (!(row.get(0) instanceof String) || row.size() < 4 || row.size() % 2 != 0) {
      throw new IllegalArgumentException("not [imageId, given, class, probability, ...]");
    }
    int given = ((Number) row.get(1)).intValue();
    int n = (row.size() - 2) / 2;
    int[] classes = new int[n];
    double[] probabilities = new double[n];
    for (int i = 0; i < n; i++) {
      classes[i] = ((Number) row.get(2 + 2 * i)).intValue();
      probabilities[i] = ((Number) row.get(3 + 2 * i)).doubleValue();
      if (classes[i] < 0 || classes[i] >= classCount || !(probabilities[i] >= 0)) {
        throw new IllegalArgumentException("class " + classes[i] + " or probability out of range");
      }
    }
    return new Prediction(given, classes, probabilities);
  }

  private static LabelFindings findings(
      Dataset dataset, List<String> classes, List<String> ids, List<Prediction> all) {
    ConfidentLearning.Result result = ConfidentLearning.find(all, classes.size());
    Set<String> kept = LabelKeep.keptIn(dataset.lineageId);
    int keptBefore = 0;
    int chars = 0;
    List<LabelFindings.Issue> issues = new ArrayList<>();
    for (ConfidentLearning.Issue issue : result.issues()) {
      String id = ids.get(issue.index());
      if (kept.contains(LabelKeep.keyOf(id))) {
        keptBefore++;
      } else if (issues.size() < LabelFindings.MAX_ISSUES && chars < MAX_FINDINGS_CHARS) {
        chars += id.length() + 200;
        issues.add(
            new LabelFindings.Issue(
                id,
                classes.get(issue.given()),
                classes.get(issue.suggested()),
                round(issue.selfConfidence()),
                round(issue.confidence()),
                issue.sure()));
      }
    }
    List<LabelFindings.Outlier> outliers = new ArrayList<>();
    for (ConfidentLearning.Outlier outlier : result.outliers()) {
      String id = ids.get(outlier.index());
      if (!kept.contains(LabelKeep.keyOf(id)) && chars < MAX_FINDINGS_CHARS) {
        chars += id.length() + 200;
        outliers.add(
            new LabelFindings.Outlier(
                id,
                classes.get(outlier.given()),
                classes.get(outlier.best()),
                round(outlier.confidence())));
      }
    }
    return new LabelFindings(all.size(), result.estimatedErrors(), issues, outliers, keptBefore);
  }

  private static double round(double p) {
    return Math.round(p * 1e4) / 1e4;
  }
}
