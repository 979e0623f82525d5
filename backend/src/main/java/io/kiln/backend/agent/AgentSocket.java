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
import org.jboss.logging.Logger;

/**
 * The agents' WebSocket endpoint: authenticates the agent credential, then hands frames to the
 * handler.
 */
@ApplicationScoped
public class AgentSocket {
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
                  text -> connection.tasks.execute(() -> dispatch(connection, text)));
              socket.closeHandler(
                  v -> {
                    connections.closed(connection);
                    LOG.infof("agent %d disconnected", agentId);
                  });
            })
        .onFailure(
            e -> LOG.warnf("agent %d WebSocket upgrade failed: %s", agentId, e.getMessage()));
  }

  private void dispatch(AgentConnection connection, String text) {
    try {
      AgentMessage message = codec.decodeAgent(text);
      Conflicts.retry(() -> handler.handle(connection, message));
    } catch (ProtocolException e) {
      connection.send(new BackendMessage.Rejected(e.getMessage()));
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
