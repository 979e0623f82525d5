package io.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.fixtures.ProtocolClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 17: an installation moves from the embedded default (H2) to PostgreSQL with {@code
 * CopyDatabase}: its people, datasets, runs and their points are all there afterwards, new rows get
 * new ids, and copying into a database that has rows is refused.
 */
class MoveToPostgresTest {
  @Test
  void everythingStoredOnH2IsThereOnPostgresql() throws Exception {
    assumeTrue(RemoteFleet.postgresAvailable(), "no PostgreSQL at " + RemoteFleet.PG_URL);
    long datasetId;
    long runId;
    try (RemoteFleet h2 = new RemoteFleet("move-h2", Map.of())) {
      h2.startBackend("backend.log");
      datasetId =
          h2.upload(FashionMnist.writeZip(h2.work.resolve("data.zip"), 5)).path("id").asLong();
      runId =
          h2.post("/api/runs", "{\"datasetId\":" + datasetId + ",\"epochs\":1}")
              .path("id")
              .asLong();
      try (ProtocolClient agent = h2.agent(h2.enroll("before-the-move"))) {
        agent.send(new AgentMessage.ClaimRun());
        BackendMessage.RunAssignment a = agent.expect(BackendMessage.RunAssignment.class);
        agent.send(new AgentMessage.RunStarted(runId, a.nextSeq(), "cpu()", 1, 21));
        agent.expect(BackendMessage.Ack.class);
        agent.points(runId, a.nextSeq() + 1, 1, 20);
        agent.send(new AgentMessage.RunFinished(runId, a.nextSeq() + 21, "CANCELLED", "moving"));
        agent.expect(BackendMessage.Ack.class);
      }
      h2.backend.destroy(); // SIGTERM: H2 closes its file
      assertTrue(h2.backend.waitFor(30, TimeUnit.SECONDS));

      try (RemoteFleet pg =
          new RemoteFleet("move-pg", Map.of(), "postgresql").usingData(h2.data())) {
        pg.startBackend("first-start.log"); // an empty database: Flyway makes the schema
        pg.backend.destroy();
        assertTrue(pg.backend.waitFor(30, TimeUnit.SECONDS));
        Path data = h2.data();
        // The first start made the admin on PostgreSQL: copy into a database with rows is refused.
        assertEquals(1, copy(h2, data), "refused: the target has rows");
        assertEquals(0, copy(h2, data, "--empty-target-first"), "copied");

        pg.startBackend("backend.log");
        assertEquals(datasetId, pg.get("/api/datasets/" + datasetId).path("id").asLong());
        JsonNode points = pg.get("/api/runs/" + runId + "/metrics");
        assertEquals(20, points.size(), "every point came along");
        assertEquals("cancelled", pg.get("/api/runs/" + runId).path("state").asText());
        JsonNode gallery = pg.get("/api/datasets/" + datasetId).path("gallery");
        assertTrue(gallery.size() > 0, "the dataset's files are read where they were");
        long next =
            pg.upload(FashionMnist.writeZip(pg.work.resolve("new.zip"), 5)).path("id").asLong();
        assertTrue(next > datasetId, "new rows take ids past the copied ones: " + next);
      }
    }
  }

  /** Runs CopyDatabase as deploy/README.md says; returns its exit status. */
  private static int copy(RemoteFleet fleet, Path data, String... options) throws Exception {
    Path app = fleet.root.resolve("backend/target/quarkus-app-postgresql");
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                app.resolve("lib/main") + "/*:" + app.resolve("app") + "/*",
                "io.kiln.backend.migrate.CopyDatabase",
                data.toString(),
                RemoteFleet.PG_URL,
                "kiln",
                "kiln"));
    command.addAll(List.of(options));
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(fleet.work.resolve("copy-" + System.nanoTime() + ".log").toFile())
            .start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS));
    return p.exitValue();
  }
}
