package io.kiln.backend.agent;

import io.kiln.backend.auth.TokenIdentityProvider;
import io.kiln.backend.common.Conflicts;
import io.kiln.backend.common.RouteErrors;
import io.kiln.backend.metrics.MetricArrived;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.EventCheck;
import io.kiln.core.protocol.Protocol;
import io.kiln.core.protocol.ProtocolCodec;
import io.kiln.core.protocol.ProtocolException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The agents' WebSocket endpoint: authenticates the agent credential, then hands frames to the
 * handler.
 */
@ApplicationScoped
public class AgentSocket {
  /** The most metric reports stored in one transaction. */
  static final int BATCH = 500;

  /** The longest text decoded on the event loop (a metric report is a few hundred characters). */
  static final int ARRIVAL_DECODE_CHARS = 4096;

  private static final Logger LOG = Logger.getLogger(AgentSocket.class);
  private final AgentConnections connections;
  private final AgentMessageHandler handler;
  private final ProtocolCodec codec = new ProtocolCodec();
  private final Event<MetricArrived> arrived;
  private final Timer waited;
  private final Timer stored;

  AgentSocket(
      AgentConnections connections,
      AgentMessageHandler handler,
      Event<MetricArrived> arrived,
      MeterRegistry registry) {
    this.connections = connections;
    this.handler = handler;
    this.arrived = arrived;
    // What the backend adds between an agent's report and the fan-out to viewers (LiveHub times
    // the fan-out itself); bench/live-latency prints them beside the viewers' latency.
    this.waited =
        Timer.builder("kiln.agent.report.waited")
            .description("From a metric report's arrival to the start of its transaction")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.stored =
        Timer.builder("kiln.agent.report.stored")
            .description(
                "A batch of metric reports: lease check, insert, commit and fan-out hand-off")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  void routes(@Observes Router router) {
    router.route(Protocol.AGENT_PATH).handler(this::upgrade);
  }

  private void upgrade(RoutingContext ctx) {
    Long agentId = agentId(ctx);
    if (agentId == null) {
      RouteErrors.end(ctx, 401, "an agent credential is required (Authorization: Bearer ka_...)");
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
                    long now = System.nanoTime();
                    AgentMessage message = decodeOrNull(text);
                    announce(connection, message);
                    connection.inbox.add(new AgentConnection.Inbound(text, message, now));
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
   * Small texts (metric reports among them) are decoded on arrival; big ones (an evaluation with
   * every image's probabilities) are left to the connection's queue, off the event loop.
   */
  private AgentMessage decodeOrNull(String text) {
    if (text.length() > ARRIVAL_DECODE_CHARS) {
      return null;
    }
    try {
      return codec.decodeAgent(text);
    } catch (ProtocolException e) {
      return null;
    }
  }

  /**
   * A valid metric report for the run this connection holds goes to the viewers as it arrives;
   * storing and acknowledging it follow on the connection's queue (the lease is checked again
   * there, in the transaction that stores it).
   */
  private void announce(AgentConnection connection, AgentMessage message) {
    if (message instanceof AgentMessage.MetricReport report
        && connection.greeted
        && Objects.equals(connection.currentRunId, report.runId())
        && EventCheck.check(report).isEmpty()) {
      try {
        arrived.fire(MetricArrived.of(report));
      } catch (RuntimeException e) {
        // Showing it early is a courtesy; storing it (next, on the queue) must happen regardless.
        LOG.warnf(
            e,
            "agent %d: point %d of run %d not shown on arrival",
            connection.agentId,
            report.seq(),
            report.runId());
      }
    }
  }

  /**
   * Handles every text waiting for this connection, in order. Metric reports that arrive together
   * are stored in one transaction (up to {@value #BATCH}) and then acknowledged: with commits that
   * reach the disk before the ack, one commit per report would halve the ingest rate.
   */
  private void drain(AgentConnection connection) {
    List<AgentMessage.MetricReport> batch = new ArrayList<>();
    long oldest = 0;
    AgentConnection.Inbound inbound;
    while ((inbound = connection.inbox.poll()) != null) {
      AgentMessage message;
      try {
        message = inbound.message() != null ? inbound.message() : codec.decodeAgent(inbound.text());
      } catch (ProtocolException e) {
        flush(connection, batch, oldest);
        connection.send(new BackendMessage.Rejected(e.getMessage()));
        continue;
      }
      if (message instanceof AgentMessage.MetricReport report && connection.greeted) {
        if (batch.isEmpty()) {
          oldest = inbound.arrivedNanos();
        }
        batch.add(report);
        if (batch.size() >= BATCH) {
          flush(connection, batch, oldest);
        }
        continue;
      }
      flush(connection, batch, oldest);
      handle(connection, () -> handler.handle(connection, message));
    }
    flush(connection, batch, oldest);
  }

  /**
   * @param arrivedNanos when the batch's first report arrived
   */
  private void flush(
      AgentConnection connection, List<AgentMessage.MetricReport> batch, long arrivedNanos) {
    if (batch.isEmpty()) {
      return;
    }
    List<AgentMessage.MetricReport> reports = List.copyOf(batch);
    batch.clear();
    long start = System.nanoTime();
    waited.record(start - arrivedNanos, TimeUnit.NANOSECONDS);
    handle(connection, () -> handler.metrics(connection, reports));
    stored.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
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
