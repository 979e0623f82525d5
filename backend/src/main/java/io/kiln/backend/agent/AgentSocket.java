package io.kiln.backend.agent;

import io.kiln.backend.auth.TokenIdentityProvider;
import io.kiln.backend.common.Conflicts;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.Protocol;
import io.kiln.core.protocol.ProtocolCodec;
import io.kiln.core.protocol.ProtocolException;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The agents' WebSocket endpoint: authenticates the agent credential, then hands frames to the
 * handler.
 */
@ApplicationScoped
public class AgentSocket {
  /** The most metric reports stored in one transaction. */
  static final int BATCH = 500;

  private static final Logger LOG = Logger.getLogger(AgentSocket.class);
  private final AgentConnections connections;
  private final AgentMessageHandler handler;
  private final ProtocolCodec codec = new ProtocolCodec();

  AgentSocket(AgentConnections connections, AgentMessageHandler handler) {
    this.connections = connections;
    this.handler = handler;
  }

  void routes(@Observes Router router) {
    router.route(Protocol.AGENT_PATH).handler(this::upgrade);
  }

  private void upgrade(RoutingContext ctx) {
    Long agentId = agentId(ctx);
    if (agentId == null) {
      ctx.response()
          .setStatusCode(401)
          .putHeader("Content-Type", "application/json")
          .end(
              "{\"status\":401,\"error\":\"an agent credential is required (Authorization: Bearer ka_...)\"}");
      return;
    }
    ctx.request()
        .toWebSocket()
        .onSuccess(
            socket -> {
              AgentConnection connection = connections.open(agentId, socket);
              LOG.infof("agent %d connected from %s", agentId, socket.remoteAddress());
              socket.textMessageHandler(
                  text -> {
                    connection.inbox.add(text);
                    connection.tasks.execute(() -> drain(connection));
                  });
              socket.closeHandler(
                  v -> {
                    connections.closed(connection);
                    LOG.infof("agent %d disconnected", agentId);
                  });
            })
        .onFailure(
            e -> LOG.warnf("agent %d WebSocket upgrade failed: %s", agentId, e.getMessage()));
  }

  /**
   * Handles every text waiting for this connection, in order. Metric reports that arrive together
   * are stored in one transaction (up to {@value #BATCH}) and then acknowledged: with commits that
   * reach the disk before the ack, one commit per report would halve the ingest rate.
   */
  private void drain(AgentConnection connection) {
    List<AgentMessage.MetricReport> batch = new ArrayList<>();
    String text;
    while ((text = connection.inbox.poll()) != null) {
      AgentMessage message;
      try {
        message = codec.decodeAgent(text);
      } catch (ProtocolException e) {
        flush(connection, batch);
        connection.send(new BackendMessage.Rejected(e.getMessage()));
        continue;
      }
      if (message instanceof AgentMessage.MetricReport report && connection.greeted) {
        batch.add(report);
        if (batch.size() >= BATCH) {
          flush(connection, batch);
        }
        continue;
      }
      flush(connection, batch);
      handle(connection, () -> handler.handle(connection, message));
    }
    flush(connection, batch);
  }

  private void flush(AgentConnection connection, List<AgentMessage.MetricReport> batch) {
    if (batch.isEmpty()) {
      return;
    }
    List<AgentMessage.MetricReport> reports = List.copyOf(batch);
    batch.clear();
    handle(connection, () -> handler.metrics(connection, reports));
  }

  private static void handle(AgentConnection connection, Runnable work) {
    try {
      Conflicts.retry(work);
    } catch (RuntimeException e) {
      LOG.errorf(e, "agent %d: failed to handle a message", connection.agentId);
    }
  }

  private static Long agentId(RoutingContext ctx) {
    return ctx.user() instanceof QuarkusHttpUser user
        ? TokenIdentityProvider.agentId(user.getSecurityIdentity())
        : null;
  }
}
