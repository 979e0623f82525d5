package io.kiln.backend.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.backend.support.Api;
import io.kiln.backend.support.LiveClient;
import io.kiln.backend.support.TestAgent;
import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.MetricKind;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * What one backend replica tells the others through PostgreSQL and what it does with what they tell
 * it (issue 17), with the database standing in for the other replica: it listens on its own
 * connection and sends as a replica of another name. On H2 nothing is sent (one process).
 */
@QuarkusTest
class ReplicaMessagesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, Object> RECIPE = Map.of("epochs", 1, "batchSize", 4);

  @TestHTTPResource("/")
  URI base;

  @Inject ClusterBus bus;

  @ConfigProperty(name = "quarkus.datasource.jdbc.url")
  String url;

  @ConfigProperty(name = "quarkus.datasource.username", defaultValue = "")
  String user;

  @ConfigProperty(name = "quarkus.datasource.password", defaultValue = "")
  String password;

  @Test
  void pointsRunChangesAndCancelsGoToTheOtherReplicasAtTheirCommit() throws Exception {
    assumeTrue(bus.shared(), "one process on H2: no other replica to tell");
    TestAgent.SERIAL.lock();
    try (Connection other = DriverManager.getConnection(url, user, password);
        TestAgent agent = TestAgent.connect(base, "replica-out")) {
      try (Statement s = other.createStatement()) {
        s.execute("LISTEN " + ClusterBus.CHANNEL);
      }
      long runId = agent.claimNewRun("replica-out", RECIPE).runId();
      agent.send(new AgentMessage.RunStarted(runId, 0, "cpu()", 1, 3));
      agent.expect(BackendMessage.Ack.class);
      for (long seq = 1; seq <= 3; seq++) {
        agent.send(step(runId, seq));
        agent.expect(BackendMessage.Ack.class);
      }
      Api.as().post("/api/runs/" + runId + "/cancel").then().statusCode(200);

      List<Long> seqs = new ArrayList<>();
      boolean running = false;
      boolean cancel = false;
      long deadline = System.currentTimeMillis() + 10_000;
      while (!(seqs.size() == 3 && running && cancel) && System.currentTimeMillis() < deadline) {
        PGNotification[] received = other.unwrap(PGConnection.class).getNotifications(200);
        for (PGNotification n : received == null ? new PGNotification[0] : received) {
          JsonNode m = JSON.readTree(n.getParameter());
          assertEquals(bus.replica(), m.path("r").asText(), "names the replica that sent it");
          JsonNode body = m.path("b");
          if (body.path("run").asLong() != runId) {
            continue;
          }
          switch (m.path("t").asText()) {
            case "live.metrics" ->
                body.path("points").forEach(p -> seqs.add(p.path("seq").asLong()));
            case "live.run" -> running = true;
            case "agents.cancel" -> cancel = body.path("agent").asLong() == agent.agentId;
            default -> {}
          }
        }
      }
      assertEquals(List.of(1L, 2L, 3L), seqs, "each committed point once, in order");
      assertTrue(running, "run changes are announced");
      assertTrue(cancel, "the cancel names the agent holding the run");
      agent.send(new AgentMessage.RunFinished(runId, 4, "CANCELLED", null));
      agent.expect(BackendMessage.Ack.class);
    } finally {
      TestAgent.SERIAL.unlock();
    }
  }

  @Test
  void whatAnotherReplicaCommittedReachesTheViewersAndAgentsHere() throws Exception {
    assumeTrue(bus.shared(), "one process on H2: no other replica to hear");
    TestAgent.SERIAL.lock();
    try (Connection other = DriverManager.getConnection(url, user, password);
        TestAgent agent = TestAgent.connect(base, "replica-in")) {
      BackendMessage.RunAssignment assignment = agent.claimNewRun("replica-in", RECIPE);
      long runId = assignment.runId();
      try (LiveClient browser = new LiveClient(base, runId, -1)) {
        browser.next("snapshot");
        String points =
            "{\"run\":%d,\"points\":[%s,%s]}".formatted(runId, point(1, 0.9), point(2, 0.8));
        send(other, "live.metrics", points);
        send(other, "live.metrics", "{\"run\":%d,\"points\":[%s]}".formatted(runId, point(1, 0.9)));
        send(other, "live.metrics", "{\"run\":%d,\"points\":[%s]}".formatted(runId, point(3, 0.7)));
        assertEquals(1, browser.next("metric").path("point").path("seq").asLong());
        JsonNode second = browser.next("metric").path("point");
        assertEquals(2, second.path("seq").asLong());
        assertEquals(0.8, second.path("values").path(Metric.LOSS.key()).asDouble());
        assertEquals(
            3,
            browser.next("metric").path("point").path("seq").asLong(),
            "a point repeated by another replica goes out once");
        send(other, "live.run", "{\"run\":%d}".formatted(runId));
        assertEquals("assigned", browser.next("run").path("run").path("state").asText());
      }
      send(other, "agents.cancel", "{\"run\":%d,\"agent\":%d}".formatted(runId, agent.agentId));
      assertEquals(runId, agent.expect(BackendMessage.CancelRun.class).runId());
      agent.send(new AgentMessage.RunFinished(runId, assignment.nextSeq(), "CANCELLED", null));
      agent.expect(BackendMessage.Ack.class);
    } finally {
      TestAgent.SERIAL.unlock();
    }
  }

  @Test
  void aReplicaIgnoresItsOwnMessages() throws Exception {
    assumeTrue(bus.shared());
    TestAgent.SERIAL.lock();
    try (Connection other = DriverManager.getConnection(url, user, password);
        TestAgent agent = TestAgent.connect(base, "replica-own")) {
      long runId = agent.claimNewRun("replica-own", RECIPE).runId();
      try (PreparedStatement notify = other.prepareStatement("SELECT pg_notify(?, ?)")) {
        notify.setString(1, ClusterBus.CHANNEL);
        notify.setString(
            2,
            "{\"r\":\"%s\",\"t\":\"agents.cancel\",\"b\":{\"run\":%d,\"agent\":%d}}"
                .formatted(bus.replica(), runId, agent.agentId));
        notify.execute();
      }
      Thread.sleep(500);
      agent.send(new AgentMessage.RunStarted(runId, 0, "cpu()", 1, 3));
      BackendMessage reply = agent.expect(BackendMessage.class);
      assertFalse(
          reply instanceof BackendMessage.CancelRun, "its own message was not applied twice");
      agent.send(new AgentMessage.RunFinished(runId, 1, "CANCELLED", null));
      agent.expect(BackendMessage.Ack.class);
    } finally {
      TestAgent.SERIAL.unlock();
    }
  }

  private static String point(long seq, double loss) {
    return "{\"seq\":%d,\"kind\":\"step\",\"epoch\":1,\"step\":%d,\"values\":{\"loss\":%s},\"at\":%d}"
        .formatted(seq, seq, loss, System.currentTimeMillis());
  }

  private static void send(Connection c, String topic, String body) throws Exception {
    try (PreparedStatement notify = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      notify.setString(1, ClusterBus.CHANNEL);
      notify.setString(2, "{\"r\":\"elsewhere\",\"t\":\"%s\",\"b\":%s}".formatted(topic, body));
      notify.execute();
    }
  }

  private static AgentMessage.MetricReport step(long runId, long seq) {
    return new AgentMessage.MetricReport(
        runId,
        seq,
        MetricKind.STEP,
        1,
        seq,
        Map.of(Metric.LOSS.key(), 1.0 / seq),
        System.currentTimeMillis());
  }
}
