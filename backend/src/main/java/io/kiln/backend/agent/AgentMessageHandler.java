package io.kiln.backend.agent;

import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.dataset.DatasetService;
import io.kiln.backend.metrics.MetricService;
import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunLeases;
import io.kiln.backend.run.RunMapper;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.Protocol;
import io.kiln.core.recipe.Recipe;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;

/**
 * Reacts to each agent message: the conversation rules of the protocol, with the work delegated to
 * the run, metric and agent services. Every run event is acknowledged, stored or not, so an agent
 * that resends after a reconnect stops resending.
 */
@ApplicationScoped
class AgentMessageHandler {
  /** Aim for about this many loss points per epoch on the live chart. */
  static final int STEP_POINTS_PER_EPOCH = 25;
  private final AgentRegistry registry;
  private final RunLeases leases;
  private final MetricService metrics;
  private final DatasetService datasets;
  private final RunMapper runs;
  private final KilnConfig config;

  AgentMessageHandler(AgentRegistry registry, RunLeases leases, MetricService metrics, DatasetService datasets,
      RunMapper runs, KilnConfig config) {
    this.registry = registry;
    this.leases = leases;
    this.metrics = metrics;
    this.datasets = datasets;
    this.runs = runs;
    this.config = config;
  }

  void handle(AgentConnection c, AgentMessage message) {
    if (message instanceof AgentMessage.Hello hello) {
      hello(c, hello);
      return;
    }
    if (!c.greeted) {
      c.send(new BackendMessage.Rejected("send hello first"));
      c.socket.close((short) 1008, "protocol violation");
      return;
    }
    if (message instanceof AgentMessage.Heartbeat beat) {
      registry.seen(c.agentId);
      c.currentRunId = beat.runId();
      if (beat.runId() != null && leases.renew(c.agentId, beat.runId())) {
        c.send(new BackendMessage.CancelRun(beat.runId()));
      }
    } else if (message instanceof AgentMessage.ClaimRun) {
      claim(c);
    } else if (message instanceof AgentMessage.RunStarted started) {
      if (!leases.started(c.agentId, started)) {
        c.send(new BackendMessage.CancelRun(started.runId()));
      }
      c.send(new BackendMessage.Ack(started.runId(), started.seq()));
    } else if (message instanceof AgentMessage.MetricReport report) {
      if (metrics.ingest(c.agentId, report) == MetricService.Outcome.NOT_HELD) {
        c.send(new BackendMessage.CancelRun(report.runId()));
      }
      c.send(new BackendMessage.Ack(report.runId(), report.seq()));
    } else if (message instanceof AgentMessage.RunEvaluated evaluated) {
      leases.evaluated(c.agentId, evaluated);
      c.send(new BackendMessage.Ack(evaluated.runId(), evaluated.seq()));
    } else if (message instanceof AgentMessage.RunFinished finished) {
      leases.finished(c.agentId, finished);
      c.currentRunId = null;
      c.send(new BackendMessage.Ack(finished.runId(), finished.seq()));
    }
  }

  private void hello(AgentConnection c, AgentMessage.Hello hello) {
    if (hello.protocolVersion() != Protocol.VERSION) {
      c.send(new BackendMessage.Rejected("protocol version " + hello.protocolVersion()
          + " is not supported; this backend speaks version " + Protocol.VERSION));
      c.socket.close((short) 1008, "unsupported protocol version");
      return;
    }
    registry.hello(c.agentId, hello);
    c.greeted = true;
    c.send(new BackendMessage.Welcome(Long.toString(c.agentId), Protocol.VERSION,
        config.agents().heartbeatSeconds(), config.agents().leaseSeconds()));
  }

  private void claim(AgentConnection c) {
    if (c.currentRunId != null) {
      c.send(new BackendMessage.NoWork());
      return;
    }
    Optional<BackendMessage.RunAssignment> assignment = leases.claim(c.agentId).map(this::assignment);
    if (assignment.isPresent()) {
      c.currentRunId = assignment.get().runId();
      c.send(assignment.get());
    } else {
      c.send(new BackendMessage.NoWork());
    }
  }

  private BackendMessage.RunAssignment assignment(Run claimed) {
    return QuarkusTransaction.requiringNew().call(() -> {
      Run run = Run.findById(claimed.id);
      Recipe recipe = runs.recipe(run);
      List<String> classes = List.copyOf(datasets.classCounts(run.dataset).keySet());
      long trainImages = run.dataset.details != null ? datasets.trainImages(run.dataset)
          : Math.round(run.dataset.imageCount * (1 - recipe.validationFraction()));
      long steps = Math.max(1, trainImages / recipe.batchSize());
      int interval = (int) Math.max(1, steps / STEP_POINTS_PER_EPOCH);
      String base = "/api/agent/runs/" + run.id;
      return new BackendMessage.RunAssignment(run.id, run.dataset.id, base + "/dataset", base + "/model",
          runs.recipeMap(run), classes, interval, metrics.nextSeq(run.id),
          recipe.usesPretrainedWeights() ? base + "/initial-weights" : null);
    });
  }
}
