package io.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.fixtures.ProtocolClient;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
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
  private static final int POINTS = 400;

  @ParameterizedTest
  @ValueSource(strings = {"h2", "postgresql"})
  void everyAcknowledgedPointSurvivesAKill9OfTheBackend(String database) throws Exception {
    assumeTrue(
        "h2".equals(database) || RemoteFleet.postgresAvailable(),
        "no PostgreSQL at " + RemoteFleet.PG_URL + " (bash .ci/postgres.sh starts one)");
    try (RemoteFleet fleet = new RemoteFleet("kill-" + database, Map.of(), database)) {
      fleet.startBackend("backend-1.log");
      long runId = fleet.queueFashionRun(5, 1);
      String credential = fleet.enroll("kill-test");

      ProtocolClient agent = fleet.agent(credential);
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
      ProtocolClient again = fleet.agent(credential);
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
}
