package io.kiln.backend.advice;

import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunService;
import io.kiln.backend.run.RunView;
import io.kiln.core.advisor.Climb;
import io.kiln.core.i18n.Text;
import io.kiln.core.i18n.Texts;
import io.kiln.core.run.RunState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;

/**
 * The opt-in autopilot climbs ({@link Climb}): when a run of its series ends, it applies the run's
 * first suggestion if the run beat its parent, or steps back and applies the parent's next one if
 * it did not (the parent's advice read again, so what just failed is not offered again), until its
 * follow-up runs are spent or nothing is left to try. What it did is written on the run in plain
 * words; the whole series is told by {@link SeriesStory}.
 */
@ApplicationScoped
class Autopilot {
  private final AdviceService advice;
  private final RunService runs;

  private final jakarta.enterprise.event.Event<AutopilotFinished> finished;

  Autopilot(
      AdviceService advice,
      RunService runs,
      jakarta.enterprise.event.Event<AutopilotFinished> finished) {
    this.advice = advice;
    this.runs = runs;
    this.finished = finished;
  }

  /** Acts once on a run that ended (succeeded or failed); a run with a note was already handled. */
  @Transactional
  void afterEnd(long runId) {
    Run run = Run.findById(runId);
    if (run == null || run.autopilotNote != null) {
      return;
    }
    Run parent = run.autopilotChild && run.parentId != null ? Run.findById(run.parentId) : null;
    boolean startsSeries = parent == null;
    // A run that failed counts too: a diverged start is what A4 fixes, a failed follow-up run is
    // a change that did not help.
    boolean ended = run.state == RunState.SUCCEEDED || run.state == RunState.FAILED;
    if (!ended || (startsSeries && run.autopilot <= 0)) {
      return;
    }
    double score = run.state == RunState.SUCCEEDED ? best(run) : Double.NaN;
    double parentScore = parent == null ? Double.NaN : best(parent);
    List<AdviceView> open = open(run.id);
    boolean stepBack = parent != null && !Climb.beats(score, parentScore);
    if (stepBack && run.autopilot > 0) {
      // Read the parent's advice again: the change that just failed is now in its lineage.
      advice.evaluate(parent.id);
    }
    List<AdviceView> parentOpen = stepBack ? open(parent.id) : List.of();
    Climb.Decision decision =
        Climb.next(
            score,
            parentScore,
            startsSeries,
            run.autopilot,
            !open.isEmpty(),
            !parentOpen.isEmpty());
    Text outcome =
        startsSeries
            ? null
            : Text.of(
                decision.improved() ? "autopilot.helped" : "autopilot.didNotHelp",
                "here",
                percent(run.state == RunState.SUCCEEDED ? run.bestValAccuracy : null),
                "there",
                percent(parent.bestValAccuracy),
                "parent",
                parent.id);
    Run best = decision.improved() ? run : parent;
    Text action =
        switch (decision.move()) {
          case EXTEND -> applied("autopilot.applied", run, open.get(0), run.autopilot - 1);
          case BACK_TO_PARENT ->
              applied("autopilot.wentBack", parent, parentOpen.get(0), run.autopilot - 1);
          case STOP_BUDGET -> Text.of("autopilot.budget", "best", best.id);
          case STOP_NOTHING_LEFT -> Text.of("autopilot.nothingLeft", "best", best.id);
        };
    runs.noteAutopilot(
        runId,
        outcome == null ? action : Text.of("autopilot.note", "outcome", outcome, "action", action));
    if (decision.move() == Climb.Move.STOP_BUDGET
        || decision.move() == Climb.Move.STOP_NOTHING_LEFT) {
      finished.fire(new AutopilotFinished(runId, best.id));
    }
  }

  /** Applies a suggestion of {@code from} as the next run of the series; what was done. */
  private Text applied(String key, Run from, AdviceView suggestion, int followUps) {
    RunView child = advice.apply(from.id, suggestion.id(), from.createdBy, followUps);
    return Text.of(
        key,
        "parent",
        from.id,
        "title",
        Text.of("advice." + suggestion.ruleId() + ".title"),
        "rule",
        suggestion.ruleId(),
        "child",
        child.id(),
        "left",
        child.autopilot());
  }

  private List<AdviceView> open(long runId) {
    return advice.list(runId).stream().filter(a -> a.active() && a.appliedRunId() == null).toList();
  }

  private static double best(Run run) {
    return run.bestValAccuracy == null ? Double.NaN : run.bestValAccuracy;
  }

  private static Object percent(Double value) {
    return value == null ? Text.of("autopilot.noScore") : Texts.percent(value, 1) + "%";
  }
}
