package io.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An admin restarts the backend while a remote agent (a separate process, enrolled with a token) is
 * training: the run still succeeds, with every metric point stored once and the model kept.
 */
class AdminRestartsBackendTest {
  @Test
  void aRunSurvivesABackendRestartWithoutLosingAPoint() throws Exception {
    try (RemoteFleet fleet = new RemoteFleet("restart-test", Map.of())) {
      fleet.startBackend("backend-1.log");
      Process agent = fleet.startAgent("remote-gpu");
      long datasetId =
          fleet
              .upload(FashionMnist.writeZip(fleet.work.resolve("data.zip"), 100))
              .path("id")
              .asLong();
      long runId =
          fleet
              .post("/api/runs", "{\"datasetId\":" + datasetId + ",\"epochs\":10,\"batchSize\":32}")
              .path("id")
              .asLong();
      JsonNode before =
          fleet.awaitRun(runId, r -> r.path("currentEpoch").asInt() >= 1, Duration.ofSeconds(90));
      assertEquals("running", before.path("state").asText(), "the restart happens mid-training");

      fleet.backend.destroy();
      assertTrue(fleet.backend.waitFor(30, TimeUnit.SECONDS), "the backend stops on SIGTERM");
      assertTrue(agent.isAlive(), "a remote agent outlives its backend");
      fleet.startBackend("backend-2.log");

      JsonNode run =
          fleet.awaitRun(
              runId,
              r -> r.path("state").asText().matches("succeeded|failed|cancelled"),
              Duration.ofSeconds(180));
      assertEquals("succeeded", run.path("state").asText(), run.toString());
      assertTrue(run.path("modelAvailable").asBoolean());
      assertEquals(1, run.path("attempts").asInt(), "the agent kept its run through the restart");
      JsonNode metrics = fleet.get("/api/runs/" + runId + "/metrics");
      long expectedSeq = metrics.get(0).path("seq").asLong();
      int epochs = 0;
      for (JsonNode point : metrics) {
        assertEquals(
            expectedSeq++, point.path("seq").asLong(), "every point stored once, none missing");
        epochs += point.path("kind").asText().equals("epoch") ? 1 : 0;
      }
      assertEquals(10, epochs);
      assertTrue(
          Files.readString(fleet.work.resolve("remote-gpu.log"))
              .contains("lost the backend connection"));
    }
  }
}
