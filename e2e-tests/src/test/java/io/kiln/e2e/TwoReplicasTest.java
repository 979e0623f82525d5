package io.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.fixtures.ProtocolClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Two backend replicas as separate processes on one PostgreSQL (issue 17): an agent connected to
 * replica A trains while browsers watch on A and on B; each sees every point live, once and in
 * order. A cancel made on B reaches the agent on A at once, a person's session works on either
 * replica, and one queued run claimed from both replicas at the same moment goes to one agent.
 */
class TwoReplicasTest {
  private static final int POINTS = 200;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aRunTrainedOnOneReplicaIsWatchedLiveOnTheOther() throws Exception {
    assumeTrue(
        RemoteFleet.postgresAvailable(),
        "no PostgreSQL at " + RemoteFleet.PG_URL + " (bash .ci/postgres.sh starts one)");
    try (RemoteFleet a = new RemoteFleet("replica-a", Map.of(), "postgresql");
        RemoteFleet b = new RemoteFleet("replica-b", Map.of(), "postgresql").sharingDatabase()) {
      a.startBackend("backend.log");
      b.startBackend("backend.log");
      long dataset =
          a.upload(FashionMnist.writeZip(a.work.resolve("data.zip"), 5)).path("id").asLong();
      long runId =
          a.post("/api/runs", "{\"datasetId\":" + dataset + ",\"epochs\":1}").path("id").asLong();
      assertEquals(runId, b.get("/api/runs/" + runId).path("id").asLong(), "B sees A's run");
      assertEquals(
          200,
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + b.port + "/api/runs/" + runId))
                      .header("Authorization", "Bearer " + a.token())
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.discarding())
              .statusCode(),
          "a session made on A works on B");

      try (ProtocolClient agent = a.agent(a.enroll("on-a"));
          // The session made by logging in on A, used on B: no sticky sessions needed.
          Watcher onB = new Watcher(b, a.token(), runId);
          Watcher onA = new Watcher(a, a.token(), runId)) {
        agent.send(new AgentMessage.ClaimRun());
        BackendMessage.RunAssignment assignment = agent.expect(BackendMessage.RunAssignment.class);
        assertEquals(runId, assignment.runId());
        long first = assignment.nextSeq() + 1;
        agent.send(
            new AgentMessage.RunStarted(runId, assignment.nextSeq(), "cpu()", 1, POINTS + 1));
        agent.expect(BackendMessage.Ack.class);
        agent.points(runId, first, 1, POINTS);

        List<Long> expected = LongStream.range(first, first + POINTS).boxed().toList();
        assertEquals(expected, onB.points(expected.size()), "B's viewer: every point, in order");
        assertEquals(expected, onA.points(expected.size()), "A's viewer: every point, in order");
        Thread.sleep(300);
        assertEquals(List.of(), onB.points(0), "and nothing twice");
        assertEquals("running", onB.lastRunState(), "B shows the run's state as A stored it");

        b.act("/api/runs/" + runId + "/cancel");
        long asked = System.nanoTime();
        assertEquals(runId, agent.expect(BackendMessage.CancelRun.class).runId());
        long millis = (System.nanoTime() - asked) / 1_000_000;
        assertTrue(millis < 5_000, "the cancel made on B reached the agent on A in " + millis);
        agent.send(new AgentMessage.RunFinished(runId, first + POINTS, "CANCELLED", null));
        agent.expect(BackendMessage.Ack.class);
      }

      // One queued run, claimed from both replicas at once: one agent gets it.
      long second =
          b.post("/api/runs", "{\"datasetId\":" + dataset + ",\"epochs\":1}").path("id").asLong();
      try (ProtocolClient onA = a.agent(a.enroll("claims-on-a"));
          ProtocolClient onB = b.agent(b.enroll("claims-on-b"))) {
        onA.send(new AgentMessage.ClaimRun());
        onB.send(new AgentMessage.ClaimRun());
        int assigned = 0;
        for (ProtocolClient agent : List.of(onA, onB)) {
          BackendMessage answer = claimAnswer(agent);
          if (answer instanceof BackendMessage.RunAssignment run) {
            assertEquals(second, run.runId());
            assigned++;
          }
        }
        assertEquals(1, assigned, "the run went to exactly one agent");
      }
    }
  }

  /**
   * A real agent, given both replicas' addresses, trains on A; A is killed with SIGKILL mid-run.
   * The agent moves to B, resends what A had not acknowledged and finishes the same attempt there:
   * every epoch once, one unbroken sequence of points, no requeue.
   */
  @Test
  void aReplicaKilledMidRunLosesNothing() throws Exception {
    assumeTrue(RemoteFleet.postgresAvailable(), "no PostgreSQL at " + RemoteFleet.PG_URL);
    int epochs = 4;
    try (RemoteFleet a = new RemoteFleet("failover-a", Map.of(), "postgresql");
        RemoteFleet b = new RemoteFleet("failover-b", Map.of(), "postgresql").sharingDatabase()) {
      a.startBackend("backend.log");
      b.startBackend("backend.log");
      a.startAgent("failover", "http://127.0.0.1:" + a.port + ",http://127.0.0.1:" + b.port);
      a.agentId("failover");
      long dataset =
          a.upload(FashionMnist.writeZip(a.work.resolve("data.zip"), 120)).path("id").asLong();
      long runId =
          a.post(
                  "/api/runs",
                  "{\"datasetId\":" + dataset + ",\"epochs\":" + epochs + ",\"batchSize\":32}")
              .path("id")
              .asLong();
      a.awaitRun(runId, r -> r.path("lastStep").asLong() >= 5, Duration.ofSeconds(120));
      a.backend.destroyForcibly();
      assertTrue(a.backend.waitFor(10, TimeUnit.SECONDS));

      JsonNode run =
          b.awaitRun(
              runId,
              r -> r.path("state").asText().matches("succeeded|failed|cancelled"),
              Duration.ofSeconds(240));
      assertEquals("succeeded", run.path("state").asText(), run + "\n" + a.log("failover"));
      assertEquals(1, b.get("/api/runs/" + runId + "/attempts").size(), "never requeued");
      List<Integer> seen = new ArrayList<>();
      long lastSeq = -1;
      for (JsonNode point : b.get("/api/runs/" + runId + "/metrics")) {
        long seq = point.path("seq").asLong();
        assertTrue(lastSeq < 0 || seq == lastSeq + 1, "no point lost: " + lastSeq + " then " + seq);
        lastSeq = seq;
        if ("epoch".equals(point.path("kind").asText())) {
          seen.add(point.path("epoch").asInt());
        }
      }
      assertEquals(List.of(1, 2, 3, 4), seen, "every epoch once");
      assertTrue(
          a.log("failover").contains("trying the next backend replica"),
          "the agent moved to B: " + a.log("failover"));
    }
  }

  private static BackendMessage claimAnswer(ProtocolClient agent) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline) {
      BackendMessage m = agent.next(100);
      if (m instanceof BackendMessage.RunAssignment || m instanceof BackendMessage.NoWork) {
        return m;
      }
    }
    throw new AssertionError("no answer to a claim");
  }

  /** A browser's live socket on one replica, as the run page opens it. */
  private static final class Watcher implements AutoCloseable {
    private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final WebSocket socket;
    private String lastRunState;

    Watcher(RemoteFleet replica, String session, long runId) throws Exception {
      socket =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .header("Authorization", "Bearer " + session)
              .buildAsync(
                  URI.create(
                      "ws://127.0.0.1:" + replica.port + "/ws/runs/" + runId + "?afterSeq=-1"),
                  new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(
                        WebSocket webSocket, CharSequence data, boolean last) {
                      text.append(data);
                      if (last) {
                        try {
                          inbox.add(JSON.readTree(text.toString()));
                        } catch (Exception e) {
                          throw new IllegalStateException(e);
                        }
                        text.setLength(0);
                      }
                      webSocket.request(1);
                      return null;
                    }
                  })
              .join();
      JsonNode snapshot = inbox.poll(15, TimeUnit.SECONDS);
      assertEquals("snapshot", snapshot == null ? null : snapshot.path("type").asText());
    }

    /** The sequence numbers of the next {@code count} metric messages (waits up to 30 s). */
    List<Long> points(int count) throws InterruptedException {
      List<Long> seqs = new ArrayList<>();
      long deadline = System.currentTimeMillis() + (count == 0 ? 0 : 30_000);
      while (System.currentTimeMillis() < deadline || (count == 0 && !inbox.isEmpty())) {
        JsonNode m = inbox.poll(count == 0 ? 0 : 100, TimeUnit.MILLISECONDS);
        if (m == null) {
          if (count == 0) {
            break;
          }
          continue;
        }
        switch (m.path("type").asText()) {
          case "metric" -> seqs.add(m.path("point").path("seq").asLong());
          case "run" -> lastRunState = m.path("run").path("state").asText();
          default -> {}
        }
        if (count > 0 && seqs.size() == count) {
          break;
        }
      }
      return seqs;
    }

    String lastRunState() {
      return lastRunState;
    }

    @Override
    public void close() {
      socket.abort();
    }
  }
}
