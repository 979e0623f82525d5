package io.kiln.backend.run;

import io.kiln.backend.common.KilnConfig;
import io.kiln.core.preset.Adjustment;
import io.kiln.core.run.FailureClass;
import io.kiln.core.run.RetryPolicy;
import io.kiln.core.run.RunState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jboss.logging.Logger;

/**
 * Ends a run's current attempt and decides, by {@link RetryPolicy}, whether the run goes back to
 * the queue (to resume from its last checkpoint on any agent), is retried with half the batch, or
 * fails. Joins the caller's transaction.
 */
@ApplicationScoped
public class RunRetries {
  private static final Logger LOG = Logger.getLogger(RunRetries.class);
  private final KilnConfig config;
  private final RunMapper mapper;
  private final RunSequence sequence;
  private final Event<RunEvents.Changed> changed;
  private final Event<RunEvents.Queued> queued;
  private final Event<RunEvents.Rewound> rewound;

  RunRetries(
      KilnConfig config,
      RunMapper mapper,
      RunSequence sequence,
      Event<RunEvents.Changed> changed,
      Event<RunEvents.Queued> queued,
      Event<RunEvents.Rewound> rewound) {
    this.config = config;
    this.mapper = mapper;
    this.sequence = sequence;
    this.changed = changed;
    this.queued = queued;
    this.rewound = rewound;
  }

  /** Starts attempt number {@code run.attempts} (already counted) on the agent. */
  void started(Run run, long agentId) {
    RunAttempt attempt = new RunAttempt();
    attempt.runId = run.id;
    attempt.number = run.attempts;
    attempt.agentId = agentId;
    attempt.startedAt = Instant.now();
    attempt.resumedFromEpoch = run.checkpointEpoch;
    attempt.persist();
  }

  /** The attempt ended with the run: succeeded, cancelled, or failed for good. */
  void ended(Run run, String outcome, String failureClass, String reason) {
    RunAttempt attempt = RunAttempt.current(run.id, run.attempts);
    if (attempt != null && attempt.endedAt == null) {
      attempt.endedAt = Instant.now();
      attempt.outcome = outcome;
      attempt.failureClass = failureClass;
      attempt.reason = clip(reason);
    }
  }

  /**
   * The attempt failed: requeue, retry smaller or fail the run. A run being cancelled is cancelled
   * instead.
   */
  public void failed(Run run, FailureClass failure, String reason) {
    if (run.state == RunState.CANCELLING) {
      ended(run, RunAttempt.CANCELLED, failure.wireName(), reason);
      run.failureReason = "cancelled (" + reason + ")";
      run.moveTo(RunState.CANCELLED);
      changed.fire(new RunEvents.Changed(mapper.view(run)));
      return;
    }
    RetryPolicy.Decision decision =
        RetryPolicy.decide(
            failure,
            reason,
            run.attempts,
            config.runs().maxAttempts(),
            run.shrunk,
            mapper.recipeMap(run));
    switch (decision.action()) {
      case REQUEUE:
        ended(run, RunAttempt.REQUEUED, failure.wireName(), reason);
        requeue(run, run.checkpointEpoch);
        break;
      case RETRY_SMALLER:
        ended(run, RunAttempt.RETRIED_SMALLER, failure.wireName(), decision.explanation());
        shrink(run, decision);
        // The checkpoint was made with the old batch: start over.
        run.checkpointEpoch = 0;
        run.checkpointKey = null;
        requeue(run, 0);
        break;
      default:
        ended(run, RunAttempt.FAILED, failure.wireName(), reason);
        run.failureReason = decision.explanation();
        run.moveTo(RunState.FAILED);
        changed.fire(new RunEvents.Changed(mapper.view(run)));
    }
    LOG.warnf("run %d: %s", run.id, decision.explanation());
  }

  /** Writes the smaller recipe on the run, with the change listed among its adjustments (T8). */
  private void shrink(Run run, RetryPolicy.Decision decision) {
    Map<String, Object> before = mapper.recipeMap(run);
    RunAdjustments old = mapper.adjustments(run);
    List<Adjustment> applied = new ArrayList<>(old == null ? List.of() : old.applied());
    for (String field : List.of("batchSize", "learningRate")) {
      Object from = before.get(field);
      Object to = decision.recipe().get(field);
      if (!Objects.equals(from, to)) {
        applied.add(new Adjustment(field, from, to, "T8", decision.explanation()));
      }
    }
    run.adjustments =
        mapper.json(
            new RunAdjustments(
                old == null ? null : old.presetName(),
                applied,
                old == null ? List.of() : old.undone()));
    run.recipe = mapper.json(decision.recipe());
    run.shrunk = true;
  }

  private void requeue(Run run, int keepThroughEpoch) {
    run.seqFloor = Math.max(run.seqFloor, sequence.nextSeq(run.id));
    rewound.fire(new RunEvents.Rewound(run.id, keepThroughEpoch));
    run.rewindTo(keepThroughEpoch);
    run.moveTo(RunState.QUEUED);
    run.agentId = null;
    run.leaseExpiresAt = null;
    changed.fire(new RunEvents.Changed(mapper.view(run)));
    queued.fire(new RunEvents.Queued(run.id));
  }

  private static String clip(String text) {
    return text == null || text.length() <= 2000 ? text : text.substring(0, 1997) + "...";
  }
}
