package io.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.MetricKind;
import io.kiln.core.protocol.Protocol;
import io.kiln.core.protocol.ProtocolCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An acknowledgement means the point is stored for good, on H2 (the embedded default) and on
 * PostgreSQL: an agent sends 400 points, the backend acknowledges them and is killed with SIGKILL
 * the moment the last acknowledgement arrives. After a restart on the same data the agent
 * reconnects, resends its last 100 points (as after a lost acknowledgement) and sends 100 more:
 * every point is stored exactly once.
 */
class AcknowledgedPointsSurviveKillTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int POINTS = 400;

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void everyAcknowledgedPointSurvivesAKill9OfTheBackend(String database) throws Exception {
    assumeTrue(
        "h2".equals(database) || RemoteFleet.postgresAvailable(),
        "no PostgreSQL at " + RemoteFleet.PG_URL + " (bash .ci/postgres.sh starts one)");
    try (RemoteFleet fleet = new RemoteFleet("kill-" + database, Map.of(), database)) {
      fleet.startBackend("backend-1.log");
      long dataset =
          fleet
              .upload(FashionMnist.writeZip(fleet.work.resolve("data.zip"), 5))
              .path("id")
              .asLong();
      long runId =
          fleet
              .post("/api/runs", "{\"datasetId\":" + dataset + ",\"epochs\":1}")
              .path("id")
              .asLong();
      String enrollment = fleet.post("/api/agents/enrollment-tokens", "").path("token").asText();
      String credential =
          fleet
              .post(
                  "/api/agents/enroll", "{\"token\":\"" + enrollment + "\",\"name\":\"kill-test\"}")
              .path("credential")
              .asText();

      Agent agent = new Agent(fleet, credential);
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment a = agent.expect(BackendMessage.RunAssignment.class);
      assertEquals(runId, a.runId());
      long first = a.nextSeq() + 1;
      agent.send(new AgentMessage.RunStarted(runId, a.nextSeq(), "cpu()", 1, POINTS + 100));
      agent.points(runId, first, 1, POINTS);
      fleet.backend.destroyForcibly(); // SIGKILL, at once
      fleet.backend.waitFor(30, TimeUnit.SECONDS);

      fleet.startBackend("backend-2.log");
      JsonNode stored = fleet.get("/api/runs/" + runId + "/metrics");
      assertEquals(POINTS, stored.size(), "every acknowledged point survived the kill");
      Agent again = new Agent(fleet, credential);
      again.points(runId, first + POINTS - 100, POINTS - 99, 200);
      JsonNode points = fleet.get("/api/runs/" + runId + "/metrics");
      Set<Long> seqs = new HashSet<>();
      for (JsonNode p : points) {
        seqs.add(p.path("seq").asLong());
      }
      assertEquals(POINTS + 100, points.size(), "the resent points are not stored twice");
      assertEquals(POINTS + 100, seqs.size());
    }
  }

  /** The agent's side of the protocol over a real WebSocket. */
  private static final class Agent {
    private final ProtocolCodec codec = new ProtocolCodec();
    private final BlockingQueue<BackendMessage> inbox = new LinkedBlockingQueue<>();
    private final WebSocket socket;

    Agent(RemoteFleet fleet, String credential) throws Exception {
      socket =
          HTTP.newWebSocketBuilder()
              .header("Authorization", "Bearer " + credential)
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + fleet.port + Protocol.AGENT_PATH), listener())
              .join();
      send(
          new AgentMessage.Hello(
              Protocol.VERSION,
              "test",
              "test-host",
              List.of(new AgentMessage.DeviceInfo("cpu()", "cpu", "test"))));
      expect(BackendMessage.Welcome.class);
    }

    /** Sends {@code count} step points from {@code seq} and waits for every acknowledgement. */
    void points(long runId, long seq, int step, int count) throws InterruptedException {
      long last = seq + count - 1;
      for (int i = 0; i < count; i++) {
        send(
            new AgentMessage.MetricReport(
                runId,
                seq + i,
                MetricKind.STEP,
                1,
                step + i,
                Map.of(Metric.LOSS.key(), 1.0 / (step + i)),
                System.currentTimeMillis()));
      }
      Set<Long> acked = new HashSet<>();
      long deadline = System.currentTimeMillis() + 60_000;
      while (acked.size() < count && System.currentTimeMillis() < deadline) {
        BackendMessage m = inbox.poll(100, TimeUnit.MILLISECONDS);
        if (m instanceof BackendMessage.Ack ack && ack.seq() >= seq && ack.seq() <= last) {
          acked.add(ack.seq());
        }
      }
      assertEquals(count, acked.size(), "the backend acknowledged every point");
    }

    void send(AgentMessage message) {
      socket.sendText(codec.encode(message), true).join();
    }

    <T extends BackendMessage> T expect(Class<T> type) throws InterruptedException {
      long deadline = System.currentTimeMillis() + 15_000;
      while (System.currentTimeMillis() < deadline) {
        BackendMessage m = inbox.poll(100, TimeUnit.MILLISECONDS);
        if (type.isInstance(m)) {
          return type.cast(m);
        }
      }
      throw new AssertionError("no " + type.getSimpleName());
    }

    private WebSocket.Listener listener() {
      return new WebSocket.Listener() {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
          text.append(data);
          if (last) {
            inbox.add(codec.decodeBackend(text.toString()));
            text.setLength(0);
          }
          webSocket.request(1);
          return null;
        }
      };
    }
  }
}
