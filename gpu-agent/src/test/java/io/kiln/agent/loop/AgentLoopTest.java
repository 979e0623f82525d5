package io.kiln.agent.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.agent.training.Devices;
import io.kiln.agent.training.SyntheticImages;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.MetricKind;
import io.kiln.core.protocol.Protocol;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent loop against an in-memory backend, training for real. */
class AgentLoopTest {
  static Path datasetZip;
  InMemoryBackend backend;
  AgentLoop loop;

  @BeforeAll
  static void dataset(@TempDir Path dir) throws Exception {
    Devices.configureThreads();
    datasetZip = SyntheticImages.writeZip(dir.resolve("d.zip"), 20, 12, 3);
  }

  @BeforeEach
  void start(@TempDir Path workDir) throws Exception {
    backend = new InMemoryBackend();
    backend.files.put("/data/1", datasetZip);
    loop = new AgentLoop(backend, workDir, "test", "host", Devices.describe());
    loop.start();
    AgentMessage.Hello hello = backend.expect(AgentMessage.Hello.class, 5);
    assertEquals(Protocol.VERSION, hello.protocolVersion());
    assertTrue(hello.devices().stream().anyMatch(d -> d.kind().equals("cpu")));
    backend.reply(new BackendMessage.Welcome("1", Protocol.VERSION, 1, 30));
    backend.expect(AgentMessage.ClaimRun.class, 5);
  }

  @AfterEach
  void stop() {
    loop.stop();
  }

  private static BackendMessage.RunAssignment assignment(long runId, int epochs, long nextSeq) {
    Map<String, Object> recipe =
        Map.of("epochs", epochs, "batchSize", 8, "inputSize", 12, "learningRate", 0.05);
    return new BackendMessage.RunAssignment(
        runId, 1, "/data/1", "/model/" + runId, recipe, SyntheticImages.CLASSES, 2, nextSeq, null);
  }

  @Test
  void everyBackendMessageHasAHandler() {
    assertEquals(java.util.Set.of(), AgentLoop.unhandled());
  }

  @Test
  void trainsAnAssignedRunAndReportsEverythingInSequence() throws Exception {
    backend.reply(assignment(7, 2, 100));
    AgentMessage.RunStarted started = backend.expect(AgentMessage.RunStarted.class, 30);
    assertEquals(100, started.seq(), "numbering continues from the backend's nextSeq");
    AgentMessage.RunFinished finished = backend.expect(AgentMessage.RunFinished.class, 60);
    assertEquals("SUCCEEDED", finished.outcome(), String.valueOf(finished.reason()));
    List<AgentMessage.RunEvent> events =
        backend.all.stream()
            .filter(m -> m instanceof AgentMessage.RunEvent)
            .map(m -> (AgentMessage.RunEvent) m)
            .toList();
    for (int i = 0; i < events.size(); i++) {
      assertEquals(100 + i, events.get(i).seq(), "gap-free sequence numbers");
    }
    assertEquals(
        2,
        events.stream()
            .filter(
                e -> e instanceof AgentMessage.MetricReport r && r.kind().equals(MetricKind.EPOCH))
            .count());
    assertTrue(
        backend.uploads.get("/model/7").length > 1000,
        "the model was uploaded before success was reported");
    backend.expect(AgentMessage.ClaimRun.class, 5);
  }

  @Test
  void unacknowledgedEventsAreResentAfterAReconnect() throws Exception {
    backend.reply(assignment(8, 1, 0));
    backend.expect(AgentMessage.RunFinished.class, 60);
    List<AgentMessage> before = List.copyOf(backend.all);
    backend.reply(new BackendMessage.Ack(8, 0));
    backend.sent.clear();
    backend.all.clear();
    backend.reconnect();
    backend.expect(AgentMessage.Hello.class, 5);
    backend.reply(new BackendMessage.Welcome("1", Protocol.VERSION, 1, 30));
    backend.expect(AgentMessage.RunFinished.class, 5);
    long resent = backend.all.stream().filter(m -> m instanceof AgentMessage.RunEvent).count();
    long original = before.stream().filter(m -> m instanceof AgentMessage.RunEvent).count();
    assertEquals(original - 1, resent, "everything but the acknowledged RunStarted is sent again");
  }

  @Test
  void aModelUploadWaitsOutABackendRestart() throws Exception {
    backend.unreachableUploads.set(2);
    backend.reply(assignment(11, 1, 0));
    AgentMessage.RunFinished finished = backend.expect(AgentMessage.RunFinished.class, 60);
    assertEquals("SUCCEEDED", finished.outcome(), String.valueOf(finished.reason()));
    assertTrue(backend.uploads.containsKey("/model/11"));
  }

  @Test
  void cancelStopsTheRunAndReportsIt() throws Exception {
    backend.reply(assignment(9, 200, 0));
    backend.expect(AgentMessage.MetricReport.class, 30);
    backend.reply(new BackendMessage.CancelRun(9));
    AgentMessage.RunFinished finished = backend.expect(AgentMessage.RunFinished.class, 10);
    assertEquals("CANCELLED", finished.outcome());
    assertTrue(!backend.uploads.containsKey("/model/9"));
  }

  @Test
  void aFailedDownloadFailsTheRunWithTheReason() throws Exception {
    backend.reply(
        new BackendMessage.RunAssignment(
            10, 1, "/missing", "/model/10", Map.of(), List.of("a", "b"), 1, 0, null));
    AgentMessage.RunFinished finished = backend.expect(AgentMessage.RunFinished.class, 10);
    assertEquals("FAILED", finished.outcome());
    assertTrue(finished.reason().contains("404"), finished.reason());
  }
}
