package io.kiln.backend.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kiln.backend.common.Json;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import javax.sql.DataSource;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Tells the other backend replicas what this one committed, through PostgreSQL's {@code
 * LISTEN/NOTIFY} on the database they share: no broker to run. A message is sent in the transaction
 * that made the change, so PostgreSQL delivers it when, and only if, that transaction commits, and
 * in commit order. Each replica listens on a connection of its own and fires what others sent as
 * {@link ClusterMessage}s, its own skipped. On H2 (one process, the embedded default) there is
 * nobody to tell and nothing is sent.
 */
@ApplicationScoped
public class ClusterBus {
  static final String CHANNEL = "kiln_cluster";

  /** PostgreSQL refuses a payload of 8,000 bytes or more. */
  public static final int MAX_PAYLOAD = 7900;

  private static final Logger LOG = Logger.getLogger(ClusterBus.class);
  private final String replica = UUID.randomUUID().toString();
  private final DataSource dataSource;
  private final Json json;
  private final Event<ClusterMessage> messages;
  private final Event<ClusterMessage.Gap> gaps;
  private final String url;
  private final String user;
  private final String password;
  private volatile boolean postgres;
  private volatile boolean running;
  private volatile Connection listening;
  private Thread listener;

  ClusterBus(
      DataSource dataSource,
      Json json,
      Event<ClusterMessage> messages,
      Event<ClusterMessage.Gap> gaps,
      @ConfigProperty(name = "quarkus.datasource.jdbc.url") String url,
      @ConfigProperty(name = "quarkus.datasource.username", defaultValue = "") String user,
      @ConfigProperty(name = "quarkus.datasource.password", defaultValue = "") String password) {
    this.dataSource = dataSource;
    this.json = json;
    this.messages = messages;
    this.gaps = gaps;
    this.url = url;
    this.user = user;
    this.password = password;
  }

  void onStart(@Observes StartupEvent event) throws SQLException {
    try (Connection c = dataSource.getConnection()) {
      postgres = "PostgreSQL".equals(c.getMetaData().getDatabaseProductName());
    }
    if (!postgres) {
      return;
    }
    running = true;
    listen();
    listener = new Thread(this::receive, "kiln-cluster-listener");
    listener.setDaemon(true);
    listener.start();
    LOG.infof("replica %s listens for the other replicas' changes", replica);
  }

  /** Whether other replicas can share this database (and so hear this one). */
  public boolean shared() {
    return postgres;
  }

  /** This process's name among the replicas. */
  public String replica() {
    return replica;
  }

  /**
   * Sends {@code body} to the other replicas under {@code topic}: within the caller's transaction,
   * delivered at its commit (at once when there is none). The body must stay under {@link
   * #MAX_PAYLOAD} bytes as JSON; larger ones are refused, so callers send a reference instead.
   */
  public void publish(String topic, ObjectNode body) {
    if (!postgres) {
      return;
    }
    ObjectNode envelope = json.mapper().createObjectNode();
    envelope.put("r", replica).put("t", topic).set("b", body);
    String payload = json.write(envelope);
    if (payload.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PAYLOAD) {
      throw new IllegalArgumentException(
          "a cluster message under " + topic + " is too large: " + payload.length() + " chars");
    }
    // The datasource hands out the connection enlisted in the caller's transaction, if any.
    try (Connection c = dataSource.getConnection();
        PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      notify.setString(1, CHANNEL);
      notify.setString(2, payload);
      notify.execute();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot tell the other replicas: " + e.getMessage(), e);
    }
  }

  /** A new JSON object for a message body. */
  public ObjectNode body() {
    return json.mapper().createObjectNode();
  }

  private void listen() throws SQLException {
    Connection c = DriverManager.getConnection(url, user, password);
    try (Statement s = c.createStatement()) {
      s.execute("LISTEN " + CHANNEL);
    }
    listening = c;
  }

  private void receive() {
    while (running) {
      try {
        PGNotification[] received = listening.unwrap(PGConnection.class).getNotifications(1000);
        if (received != null) {
          for (PGNotification n : received) {
            deliver(n.getParameter());
          }
        }
      } catch (SQLException e) {
        if (running) {
          reconnect(e);
        }
      }
    }
  }

  private void deliver(String payload) {
    try {
      JsonNode envelope = json.mapper().readTree(payload);
      if (!replica.equals(envelope.path("r").asText())) {
        messages.fire(new ClusterMessage(envelope.path("t").asText(), envelope.path("b")));
      }
    } catch (Exception e) {
      // One bad message must not stop the replica hearing the next.
      LOG.warnf(e, "could not apply a message from another replica: %s", payload);
    }
  }

  /**
   * Messages sent while the connection was down are lost to this replica: it listens again and
   * fires a {@link ClusterMessage.Gap} so what it shows is read afresh.
   */
  private void reconnect(SQLException cause) {
    LOG.warnf("lost the connection that hears other replicas (%s); opening it again", cause);
    close(listening);
    while (running) {
      try {
        Thread.sleep(1000);
        listen();
        gaps.fire(new ClusterMessage.Gap());
        return;
      } catch (SQLException e) {
        LOG.debugf("still cannot listen: %s", e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    running = false;
    if (listener != null) {
      listener.interrupt();
    }
    close(listening);
  }

  private static void close(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing a broken connection
      }
    }
  }
}
