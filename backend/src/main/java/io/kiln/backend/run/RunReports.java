package io.kiln.backend.run;

import io.kiln.backend.common.Json;
import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.AgentMessage.MetricReport;
import io.kiln.core.protocol.AgentMessage.RunEvaluated;
import io.kiln.core.protocol.AgentMessage.RunFinished;
import io.kiln.core.protocol.AgentMessage.RunStarted;
import io.kiln.core.protocol.MetricKind;
import io.kiln.core.run.FailureClass;
import io.kiln.core.run.RunState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * What an agent reports about a run it holds: started, progress from its metric points, the final
 * evaluation, finished. A report about a run the agent does not hold changes nothing.
 */
@ApplicationScoped
public class RunReports {
  private static final Logger LOG = Logger.getLogger(RunReports.class);
  private final RunLeases leases;
  private final RunMapper mapper;
  private final Json json;
  private final Event<RunEvents.Changed> changed;
  private final RunRetries retries;
  private final HeldOutPredictions heldOutPredictions;

  RunReports(
      RunLeases leases,
      RunMapper mapper,
      Json json,
      Event<RunEvents.Changed> changed,
      RunRetries retries,
      HeldOutPredictions heldOutPredictions) {
    this.heldOutPredictions = heldOutPredictions;
    this.leases = leases;
    this.mapper = mapper;
    this.json = json;
    this.changed = changed;
    this.retries = retries;
  }

  /** Returns false when the agent does not hold the run (it should stop). */
  @Transactional
  public boolean started(long agentId, RunStarted event) {
    Run run = leases.held(agentId, event.runId()).orElse(null);
    if (run == null) {
      return false;
    }
    if (run.state == RunState.ASSIGNED) {
      run.moveTo(RunState.RUNNING);
    }
    run.device = event.device();
    run.totalEpochs = event.totalEpochs();
    run.stepsPerEpoch = event.stepsPerEpoch();
    run.leaseExpiresAt = leases.leaseEnd();
    changed.fire(new RunEvents.Changed(mapper.view(run)));
    return true;
  }

  /**
   * Moves the run's progress forward by a stored metric point; call it in the transaction that
   * stored the point. An epoch point is pushed to viewers as a run change.
   */
  public void progressed(Run run, MetricReport report) {
    boolean epoch = MetricKind.EPOCH.equals(report.kind());
    run.recordProgress(
        report.step(),
        epoch ? report.epoch() : 0,
        epoch ? Metric.VAL_ACCURACY.orNull(report.values()) : null,
        epoch ? Metric.IMAGES_PER_SECOND.orNull(report.values()) : null);
    if (epoch) {
      changed.fire(new RunEvents.Changed(mapper.view(run)));
    }
  }

  /** Stores the final evaluation; a resend overwrites it with the same content. */
  @Transactional
  public void evaluated(long agentId, RunEvaluated event) {
    Run run = leases.held(agentId, event.runId()).orElse(null);
    if (run == null) {
      return;
    }
    Map<String, Object> reported = new LinkedHashMap<>(event.evaluation());
    Object heldOut = reported.remove("heldOut");
    if (heldOut instanceof List<?> && run.labelCheckId != null) {
      heldOutPredictions.keep(run.id, heldOut);
    }
    RunEvaluation evaluation;
    try {
      evaluation = json.mapper().convertValue(reported, RunEvaluation.class);
    } catch (IllegalArgumentException malformed) {
      // Acknowledged all the same (or the agent would resend it forever); the run keeps no
      // evaluation.
      LOG.warnf(
          "run %d: the agent's evaluation is malformed and was dropped: %s",
          run.id, malformed.getMessage());
      return;
    }
    run.evaluation = json.write(evaluation);
    run.testAccuracy = evaluation.testAccuracy();
    changed.fire(new RunEvents.Changed(mapper.view(run)));
  }

  /**
   * Records the outcome of the agent's attempt; a repeat of the same report is ignored. A failure
   * goes through {@link RunRetries}: requeued, retried smaller or failed, by its class.
   */
  @Transactional
  public void finished(long agentId, RunFinished event) {
    Run run = leases.held(agentId, event.runId()).orElse(null);
    if (run == null) {
      return;
    }
    RunState outcome = parseOutcome(event.outcome());
    if (outcome == RunState.SUCCEEDED && run.modelPath == null) {
      retries.failed(run, FailureClass.RECIPE, "the agent reported success but uploaded no model");
      return;
    }
    if (outcome == RunState.FAILED) {
      FailureClass failure =
          FailureClass.fromWire(event.failure()).orElse(FailureClass.INFRASTRUCTURE);
      if (failure == FailureClass.RECIPE && event.field() != null) {
        run.failureField = event.field().length() > 64 ? null : event.field();
      }
      retries.failed(run, failure, event.reason() == null ? "the agent failed" : event.reason());
      return;
    }
    if (outcome == RunState.CANCELLED) {
      run.failureReason = event.reason();
    } else {
      run.note = event.reason();
    }
    retries.ended(
        run,
        outcome == RunState.SUCCEEDED ? RunAttempt.SUCCEEDED : RunAttempt.CANCELLED,
        null,
        event.reason());
    run.moveTo(outcome);
    changed.fire(new RunEvents.Changed(mapper.view(run)));
  }

  private static RunState parseOutcome(String outcome) {
    try {
      RunState state = RunState.valueOf(String.valueOf(outcome).toUpperCase());
      if (state.terminal()) {
        return state;
      }
    } catch (IllegalArgumentException ignored) {
      // an unknown outcome is a failure
    }
    return RunState.FAILED;
  }
}
