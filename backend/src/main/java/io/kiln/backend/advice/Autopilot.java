package io.kiln.backend.advice;

import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunService;
import io.kiln.backend.run.RunView;
import io.kiln.core.run.RunState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The opt-in autopilot: when a run that still has follow-up runs to spend succeeds, it applies the
 * run's top suggestion as a new run, and stops when the last change did not beat its parent. What
 * it did is written on the run in plain words.
 */
@ApplicationScoped
class Autopilot {
  private final AdviceService advice;
  private final RunService runs;

  Autopilot(AdviceService advice, RunService runs) {
    this.advice = advice;
    this.runs = runs;
  }

  @Transactional
  void afterSuccess(long runId) {
    Run run = Run.findById(runId);
    if (run == null || run.state != RunState.SUCCEEDED || run.autopilotNote != null) {
      return;
    }
    if (run.autopilotChild && run.parentId != null) {
      Run parent = Run.findById(run.parentId);
      if (parent != null && !better(run, parent)) {
        runs.noteAutopilot(
            runId,
            String.format(
                Locale.ROOT,
                "Autopilot stopped: the change tried in this run did not"
                    + " help (best validation accuracy %s here, %s in run #%d). The best run of this series is #%d.",
                percent(run.bestValAccuracy),
                percent(parent.bestValAccuracy),
                parent.id,
                parent.id));
        return;
      }
    }
    if (run.autopilot <= 0) {
      return;
    }
    List<AdviceView> open =
        advice.list(runId).stream().filter(a -> a.active() && a.appliedRunId() == null).toList();
    if (open.isEmpty()) {
      runs.noteAutopilot(runId, "Autopilot finished: Kiln has no further suggestion for this run.");
      return;
    }
    AdviceView top = open.get(0);
    RunView child = advice.apply(runId, top.id(), run.createdBy, true);
    runs.noteAutopilot(
        runId,
        String.format(
            Locale.ROOT,
            "Autopilot applied \"%s\" (%s): %s, as run #%d (%d more" + " follow-up run%s allowed).",
            top.title(),
            top.ruleId(),
            describe(top.patch()),
            child.id(),
            child.autopilot(),
            child.autopilot() == 1 ? "" : "s"));
  }

  private static boolean better(Run run, Run parent) {
    if (run.bestValAccuracy == null) {
      return false;
    }
    return parent.bestValAccuracy == null || run.bestValAccuracy > parent.bestValAccuracy;
  }

  private static String percent(Double value) {
    return value == null ? "none" : String.format(Locale.ROOT, "%.1f%%", value * 100);
  }

  static String describe(Map<String, Object> patch) {
    return patch.entrySet().stream()
        .map(e -> e.getKey() + " -> " + e.getValue())
        .collect(Collectors.joining(", "));
  }
}
