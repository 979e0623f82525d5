package io.kiln.backend.agent;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiln.backend.cluster.ClusterBus;
import io.kiln.backend.cluster.ClusterMessage;
import io.kiln.backend.run.RunEvents;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.ProtocolCodec;
import io.quarkus.runtime.ShutdownEvent;
import io.vertx.core.http.ServerWebSocket;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jboss.logging.Logger;

/**
 * The agents connected right now; pushes work notices and cancellations to them. With several
 * backend replicas an agent is connected to one of them: notices, cancellations and revocations
 * committed on another reach it through the {@link ClusterBus}.
 */
@ApplicationScoped
public class AgentConnections {
  private static final Logger LOG = Logger.getLogger(AgentConnections.class);
  static final String WORK = "agents.work";
  static final String CANCEL = "agents.cancel";
  static final String REVOKED = "agents.revoked";
  private final ClusterBus bus;
  private final Map<Long, AgentConnection> byAgent = new ConcurrentHashMap<>();
  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          8,
          r -> {
            Thread t = new Thread(r, "kiln-agent-io");
            t.setDaemon(true);
            return t;
          });
  private final ProtocolCodec codec = new ProtocolCodec();

  AgentConnections(ClusterBus bus) {
    this.bus = bus;
  }

  AgentConnection open(long agentId, ServerWebSocket socket) {
    AgentConnection connection = new AgentConnection(agentId, socket, pool, codec);
    AgentConnection previous = byAgent.put(agentId, connection);
    if (previous != null) {
      LOG.infof("agent %d reconnected; closing its previous connection", agentId);
      previous.socket.close((short) 4000, "replaced by a newer connection");
    }
    return connection;
  }

  void closed(AgentConnection connection) {
    byAgent.remove(connection.agentId, connection);
  }

  public boolean connected(long agentId) {
    return byAgent.containsKey(agentId);
  }

  public Long currentRun(long agentId) {
    AgentConnection c = byAgent.get(agentId);
    return c == null ? null : c.currentRunId;
  }

  Collection<AgentConnection> all() {
    return byAgent.values();
  }

  /** Drops a revoked agent's connection at once, on whichever replica holds it. */
  void disconnect(long agentId, String reason) {
    disconnectHere(agentId, reason);
    bus.publish(REVOKED, bus.body().put("agent", agentId).put("reason", reason));
  }

  private void disconnectHere(long agentId, String reason) {
    AgentConnection c = byAgent.remove(agentId);
    if (c != null) {
      c.send(new BackendMessage.Rejected(reason));
      c.socket.close((short) 4001, "revoked");
    }
  }

  void onQueued(@Observes(during = TransactionPhase.AFTER_SUCCESS) RunEvents.Queued event) {
    offerWork();
  }

  private void offerWork() {
    for (AgentConnection c : byAgent.values()) {
      if (c.idle()) {
        c.send(new BackendMessage.WorkAvailable());
      }
    }
  }

  /** Tells the agent to stop this run, if it is connected. */
  void cancel(long agentId, long runId) {
    AgentConnection c = byAgent.get(agentId);
    if (c != null) {
      c.send(new BackendMessage.CancelRun(runId));
    }
  }

  void onCancel(
      @Observes(during = TransactionPhase.AFTER_SUCCESS) RunEvents.CancelRequested event) {
    cancel(event.agentId(), event.runId());
  }

  /**
   * In the queuing transaction: idle agents on the other replicas hear of the work at its commit.
   */
  void tellReplicasQueued(@Observes RunEvents.Queued event) {
    bus.publish(WORK, bus.body().put("run", event.runId()));
  }

  /** In the cancelling transaction: the replica holding the agent tells it at the commit. */
  void tellReplicasCancel(@Observes RunEvents.CancelRequested event) {
    bus.publish(CANCEL, bus.body().put("run", event.runId()).put("agent", event.agentId()));
  }

  void onReplica(@Observes ClusterMessage message) {
    JsonNode body = message.body();
    switch (message.topic()) {
      case WORK -> offerWork();
      case CANCEL -> cancel(body.path("agent").asLong(), body.path("run").asLong());
      case REVOKED -> disconnectHere(body.path("agent").asLong(), body.path("reason").asText());
      default -> {
        // another feature's topic
      }
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    pool.shutdown();
  }
}
