package io.kiln.backend.notify;

import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunEvents;
import io.kiln.core.notify.EventKind;
import io.kiln.core.run.RunState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events of a run, recorded inside the transaction that changed it: it ended (succeeded, failed
 * or was cancelled: only in the transaction that ended it, so touching an old run tells nobody),
 * someone asked for its review, a lead decided. Label-check folds are Kiln's own work, not a
 * person's run: their ends are not told.
 */
@ApplicationScoped
class RunNotices {
  private static final java.util.Set<String> ENDED =
      java.util.Set.of("succeeded", "failed", "cancelled");
  private final Outbox outbox;
  private final KilnConfig config;

  RunNotices(Outbox outbox, KilnConfig config) {
    this.outbox = outbox;
    this.config = config;
  }

  void onChanged(@Observes RunEvents.Changed changed) {
    if (!ENDED.contains(changed.run().state())) {
      return;
    }
    Run run = Run.findById(changed.run().id());
    if (run == null || !run.justEnded() || run.labelCheckId != null) {
      return;
    }
    EventKind kind =
        run.state == RunState.SUCCEEDED
            ? EventKind.RUN_SUCCEEDED
            : run.state == RunState.FAILED ? EventKind.RUN_FAILED : EventKind.RUN_CANCELLED;
    // A run cancelled by a person: that person is the actor, and is not told what they did.
    String actor = run.state == RunState.CANCELLED ? run.cancelledBy : null;
    outbox.record(
        kind,
        "run-ended:" + run.id,
        run.teamId,
        run.id,
        actor,
        payload(kind, run),
        List.of(run.createdBy));
  }

  void onAsked(@Observes RunEvents.ReviewRequested asked) {
    Run run = Run.findById(asked.runId());
    Map<String, Object> payload = payload(EventKind.REVIEW_REQUESTED, run);
    payload.put(
        "request",
        map(
            "by",
            run.reviewRequestedBy,
            "note",
            run.reviewRequestNote == null ? "" : run.reviewRequestNote));
    outbox.record(
        EventKind.REVIEW_REQUESTED,
        "review-requested:" + run.id + ":" + run.reviewRequestedAt.toEpochMilli(),
        run.teamId,
        run.id,
        run.reviewRequestedBy,
        payload,
        Recipients.leadsOf(run.teamId));
  }

  void onReviewed(@Observes RunEvents.Reviewed reviewed) {
    Run run = Run.findById(reviewed.runId());
    Map<String, Object> payload = payload(EventKind.REVIEW_DECIDED, run);
    payload.put(
        "review",
        map(
            "decision",
            run.reviewState,
            "comment",
            run.reviewComment == null ? "" : run.reviewComment,
            "by",
            run.reviewedBy));
    List<String> told = new ArrayList<>();
    if (run.reviewRequestedBy != null) {
      told.add(run.reviewRequestedBy);
    }
    told.add(run.createdBy);
    outbox.record(
        EventKind.REVIEW_DECIDED,
        "review-decided:" + run.id + ":" + run.reviewedAt.toEpochMilli(),
        run.teamId,
        run.id,
        run.reviewedBy,
        payload,
        told);
  }

  void onAutopilot(@Observes io.kiln.backend.advice.AutopilotFinished done) {
    Run run = Run.findById(done.runId());
    Run best = Run.findById(done.bestRunId());
    Map<String, Object> payload = payload(EventKind.AUTOPILOT_FINISHED, run);
    payload.put(
        "best", map("id", best.id, "name", best.name, "bestValAccuracy", best.bestValAccuracy));
    Links.put(payload, config, "/#/runs/" + best.id);
    outbox.record(
        EventKind.AUTOPILOT_FINISHED,
        "autopilot-finished:" + run.id,
        run.teamId,
        best.id,
        null,
        payload,
        List.of(run.createdBy));
  }

  /** What every run event carries: the run's facts and where to see it. */
  private Map<String, Object> payload(EventKind kind, Run run) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("id", run.id);
    r.put("name", run.name);
    r.put("state", run.state.name().toLowerCase());
    r.put("dataset", run.dataset.name + " v" + run.dataset.version);
    r.put("createdBy", run.createdBy);
    r.put("bestValAccuracy", run.bestValAccuracy);
    r.put("testAccuracy", run.testAccuracy);
    r.put("failureReason", run.state == RunState.FAILED ? run.failureReason : null);
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("kind", kind.key());
    payload.put("teamId", run.teamId);
    payload.put("run", r);
    Links.put(payload, config, "/#/runs/" + run.id);
    return payload;
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
