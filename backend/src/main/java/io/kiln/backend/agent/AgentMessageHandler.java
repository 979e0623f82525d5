package io.kiln.backend.agent;

import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.dataset.DatasetService;
import io.kiln.backend.metrics.MetricService;
import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunFiles;
import io.kiln.backend.run.RunLeases;
import io.kiln.backend.run.RunMapper;
import io.kiln.backend.run.RunReports;
import io.kiln.core.labels.CrossFit;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.EventCheck;
import io.kiln.core.protocol.MessageDispatch;
import io.kiln.core.protocol.Protocol;
import io.kiln.core.recipe.Recipe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reacts to each agent message: the conversation rules of the protocol, with the work delegated to
 * the run, metric and agent services. Every run event is acknowledged, stored or not, so an agent
 * that resends after a reconnect stops resending. One handler per message type, in a table that a
 * test proves covers every permitted {@link AgentMessage}.
 */
@ApplicationScoped
class AgentMessageHandler {
  private static final org.jboss.logging.Logger LOG =
      org.jboss.logging.Logger.getLogger(AgentMessageHandler.class);

  /** Aim for about this many loss points per epoch on the live chart. */
  static final int STEP_POINTS_PER_EPOCH = 25;

  private final AgentRegistry registry;
  private final RunLeases leases;
  private final RunReports reports;
  private final MetricIntake intake;
  private final MetricService metrics;
  private final DatasetService datasets;
  private final RunMapper runs;
  private final KilnConfig config;
  private final RunFiles runFiles;
  private final MessageDispatch<AgentConnection, AgentMessage> dispatch;

  AgentMessageHandler(
      AgentRegistry registry,
      RunLeases leases,
      RunReports reports,
      MetricIntake intake,
      MetricService metrics,
      DatasetService datasets,
      RunMapper runs,
      KilnConfig config,
      RunFiles runFiles) {
    this.runFiles = runFiles;
    this.registry = registry;
    this.leases = leases;
    this.reports = reports;
    this.intake = intake;
    this.metrics = metrics;
    this.datasets = datasets;
    this.runs = runs;
    this.config = config;
    this.dispatch =
        new MessageDispatch<AgentConnection, AgentMessage>(AgentMessage.class)
            .on(AgentMessage.Hello.class, this::hello)
            .on(AgentMessage.Heartbeat.class, this::heartbeat)
            .on(AgentMessage.ClaimRun.class, (c, m) -> claim(c))
            .on(AgentMessage.RunStarted.class, this::started)
            .on(AgentMessage.MetricReport.class, this::metric)
            .on(AgentMessage.RunEvaluated.class, this::evaluated)
            .on(AgentMessage.RunFinished.class, this::finished);
  }

  /** The permitted agent messages this handler has no handler for (a test keeps it empty). */
  Set<String> unhandled() {
    return dispatch.unhandled();
  }

  void handle(AgentConnection c, AgentMessage message) {
    if (!c.greeted && !(message instanceof AgentMessage.Hello)) {
      c.send(new BackendMessage.Rejected("send hello first"));
      c.socket.close((short) 1008, "protocol violation");
      return;
    }
    if (message instanceof AgentMessage.RunEvent event
        && !(message instanceof AgentMessage.MetricReport)
        && refused(c, event)) {
      return;
    }
    dispatch.dispatch(c, message);
  }

  /** Checks a run event; an invalid one is answered EventRejected, naming the field. */
  private static boolean refused(AgentConnection c, AgentMessage.RunEvent event) {
    Optional<EventCheck.Problem> problem = EventCheck.check(event);
    if (problem.isEmpty()) {
      return false;
    }
    EventCheck.Problem p = problem.get();
    LOG.warnf(
        "agent %d: refused event %d of run %d: %s %s",
        c.agentId, event.seq(), event.runId(), p.field(), p.message());
    c.send(new BackendMessage.EventRejected(event.runId(), event.seq(), p.field(), p.message()));
    return true;
  }

  private void hello(AgentConnection c, AgentMessage.Hello hello) {
    if (hello.protocolVersion() != Protocol.VERSION) {
      c.send(
          new BackendMessage.Rejected(
              "protocol version "
                  + hello.protocolVersion()
                  + " is not supported; this backend speaks version "
                  + Protocol.VERSION));
      c.socket.close((short) 1008, "unsupported protocol version");
      return;
    }
    registry.hello(c.agentId, hello);
    c.greeted = true;
    c.send(
        new BackendMessage.Welcome(
            Long.toString(c.agentId),
            Protocol.VERSION,
            config.agents().heartbeatSeconds(),
            config.agents().leaseSeconds()));
  }

  private void heartbeat(AgentConnection c, AgentMessage.Heartbeat beat) {
    registry.seen(c.agentId);
    // A heartbeat without a run can be older than the assignment just sent (it crossed it on the
    // wire): it must not make the agent look idle, or a second run is assigned to a busy agent.
    // The run ends with RunFinished, which clears it. A heartbeat naming a run the agent no longer
    // holds (sent just before its RunFinished, handled just after) must not bring the run back
    // either: the agent would look busy for good and never be given work again.
    if (beat.runId() == null) {
      return;
    }
    if (leases.renew(c.agentId, beat.runId())) {
      c.send(new BackendMessage.CancelRun(beat.runId()));
    } else {
      c.currentRunId = beat.runId();
    }
  }

  private void started(AgentConnection c, AgentMessage.RunStarted started) {
    if (!reports.started(c.agentId, started)) {
      c.send(new BackendMessage.CancelRun(started.runId()));
    }
    c.send(new BackendMessage.Ack(started.runId(), started.seq()));
  }

  private void metric(AgentConnection c, AgentMessage.MetricReport report) {
    metrics(c, List.of(report));
  }

  /**
   * Metric reports that arrived together: each is checked, the valid ones are stored in one
   * transaction, and only then is each acknowledged (or refused, naming the field).
   */
  void metrics(AgentConnection c, List<AgentMessage.MetricReport> reports) {
    List<AgentMessage.MetricReport> valid = new ArrayList<>();
    for (AgentMessage.MetricReport report : reports) {
      if (!refused(c, report)) {
        valid.add(report);
      }
    }
    if (valid.isEmpty()) {
      return;
    }
    List<MetricIntake.Outcome> outcomes = intake.ingestAll(c.agentId, valid);
    Set<Long> cancelled = new HashSet<>();
    for (int i = 0; i < valid.size(); i++) {
      AgentMessage.MetricReport report = valid.get(i);
      if (outcomes.get(i) == MetricIntake.Outcome.NOT_HELD && cancelled.add(report.runId())) {
        c.send(new BackendMessage.CancelRun(report.runId()));
      }
      c.send(new BackendMessage.Ack(report.runId(), report.seq()));
    }
  }

  private void evaluated(AgentConnection c, AgentMessage.RunEvaluated evaluated) {
    reports.evaluated(c.agentId, evaluated);
    c.send(new BackendMessage.Ack(evaluated.runId(), evaluated.seq()));
  }

  private void finished(AgentConnection c, AgentMessage.RunFinished finished) {
    reports.finished(c.agentId, finished);
    c.currentRunId = null;
    c.send(new BackendMessage.Ack(finished.runId(), finished.seq()));
  }

  private void claim(AgentConnection c) {
    if (c.currentRunId != null) {
      c.send(new BackendMessage.NoWork());
      return;
    }
    if (registry.drained(c.agentId)) {
      leases.releaseLost(c.agentId);
      c.send(new BackendMessage.NoWork());
      return;
    }
    Optional<BackendMessage.RunAssignment> assignment =
        leases.claim(registry.claimant(c.agentId)).map(this::assignment);
    if (assignment.isPresent()) {
      c.currentRunId = assignment.get().runId();
      c.send(assignment.get());
    } else {
      c.send(new BackendMessage.NoWork());
    }
  }

  private BackendMessage.RunAssignment assignment(Run claimed) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              Run run = Run.findById(claimed.id);
              Recipe recipe = runs.recipe(run);
              List<String> classes = List.copyOf(datasets.classCounts(run.dataset).keySet());
              long steps =
                  Math.max(
                      1,
                      datasets.trainImages(run.dataset, recipe.validationFraction())
                          / recipe.batchSize());
              int interval = (int) Math.max(1, steps / STEP_POINTS_PER_EPOCH);
              String base = "/api/agent/runs/" + run.id;
              return new BackendMessage.RunAssignment(
                  run.id,
                  run.dataset.id,
                  base + "/dataset",
                  base + "/model",
                  runs.recipeMap(run),
                  classes,
                  interval,
                  Math.max(metrics.nextSeq(run.id), run.seqFloor),
                  recipe.usesPretrainedWeights() ? base + "/initial-weights" : null,
                  runFiles.pretrainedSha256(recipe),
                  base + "/checkpoint",
                  run.checkpointKey != null,
                  run.attempts,
                  run.heldOutFold == null
                      ? null
                      : new CrossFit.Fold(run.heldOutFold, run.heldOutFolds, recipe.seed()));
            });
  }
}
