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

  Path workDir;

  @BeforeEach
  void start(@TempDir Path workDir) throws Exception {
    this.workDir = workDir;
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
    return assignment(runId, epochs, nextSeq, false);
  }

  private static BackendMessage.RunAssignment assignment(
      long runId, int epochs, long nextSeq, boolean resume) {
    Map<String, Object> recipe =
        Map.of("epochs", epochs, "batchSize", 8, "inputSize", 12, "learningRate", 0.05);
    return new BackendMessage.RunAssignment(
        runId,
        1,
        "/data/1",
        "/model/" + runId,
        recipe,
        SyntheticImages.CLASSES,
        2,
        nextSeq,
        null,
        null,
        "/checkpoint/" + runId,
        resume,
        resume ? 2 : 1,
        null);
  }

  @Test
  void everyBackendMessageHasAHandler() {
    assertEquals(java.util.Set.of(), AgentLoop.unhandled());
  }

  /** An agent started for one run (a Kubernetes Job, issue 17) trains it, then exits. */
  @Test
  void anAgentForOneRunTrainsItThenStops() throws Exception {
    loop.exitAfterOneRun();
    backend.reply(assignment(8, 1, 0));
    assertEquals("SUCCEEDED", backend.expect(AgentMessage.RunFinished.class, 60).outcome());
    backend.expect(AgentMessage.ClaimRun.class, 30);
    backend.reply(new BackendMessage.NoWork());
    java.util.concurrent.CompletableFuture.runAsync(
            () -> {
              try {
                loop.awaitStop();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            })
        .get(30, java.util.concurrent.TimeUnit.SECONDS);
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
    backend.autoAck = false;
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
            10,
            1,
            "/missing",
            "/model/10",
            Map.of(),
            List.of("a", "b"),
            1,
            0,
            null,
            null,
            null,
            false,
            1,
            null));
    AgentMessage.RunFinished finished = backend.expect(AgentMessage.RunFinished.class, 10);
    assertEquals("FAILED", finished.outcome());
    assertTrue(finished.reason().contains("404"), finished.reason());
  }

  @Test
  void aCheckpointGoesUpAfterEveryEpochAndAResumedRunTrainsOnlyTheRest() throws Exception {
    backend.reply(assignment(12, 2, 0));
    assertEquals("SUCCEEDED", backend.expect(AgentMessage.RunFinished.class, 60).outcome());
    assertTrue(
        backend.uploads.containsKey("/checkpoint/12?epoch=1"), backend.uploads.keySet().toString());
    assertTrue(backend.uploads.containsKey("/checkpoint/12?epoch=2"));
    backend.expect(AgentMessage.ClaimRun.class, 5);

    // Another attempt of the same run (here run 13 with the same recipe) resumes after epoch 1.
    Path epochOne = workDir.resolveSibling(workDir.getFileName() + "-epoch1.zip");
    java.nio.file.Files.write(epochOne, backend.uploads.get("/checkpoint/12?epoch=1"));
    backend.files.put("/checkpoint/13", epochOne);
    // What a kill -9 in the middle of an earlier attempt at run 13 left behind on this machine.
    Path leftover = workDir.resolve("runs/13/checkpoints/latest");
    java.nio.file.Files.createDirectories(leftover);
    java.nio.file.Files.writeString(leftover.resolve("model.params"), "torn");
    backend.all.clear();
    backend.reply(assignment(13, 2, 500, true));
    AgentMessage.RunFinished finished = backend.expect(AgentMessage.RunFinished.class, 60);
    assertEquals("SUCCEEDED", finished.outcome(), String.valueOf(finished.reason()));
    List<Integer> epochs =
        backend.all.stream()
            .filter(m -> m instanceof AgentMessage.MetricReport r && r.runId() == 13)
            .map(m -> ((AgentMessage.MetricReport) m).epoch())
            .distinct()
            .toList();
    assertEquals(List.of(2), epochs, "only the epoch after the checkpoint is trained again");
    long firstStep =
        backend.all.stream()
            .filter(m -> m instanceof AgentMessage.MetricReport r && r.runId() == 13)
            .mapToLong(m -> ((AgentMessage.MetricReport) m).step())
            .min()
            .orElseThrow();
    assertTrue(firstStep > 0, "the step count continues from the checkpoint: " + firstStep);
  }

  @Test
  void unacknowledgedEventsSurviveARestartOfTheAgent() throws Exception {
    backend.autoAck = false;
    backend.reply(assignment(14, 1, 0));
    backend.expect(AgentMessage.RunFinished.class, 60);
    long sent = backend.all.stream().filter(m -> m instanceof AgentMessage.RunEvent).count();
    loop.stop();

    backend = new InMemoryBackend();
    loop = new AgentLoop(backend, workDir, "test", "host", Devices.describe());
    loop.start();
    backend.expect(AgentMessage.Hello.class, 5);
    backend.reply(new BackendMessage.Welcome("1", Protocol.VERSION, 1, 30));
    backend.expect(AgentMessage.ClaimRun.class, 5);
    List<AgentMessage.RunEvent> replayed =
        backend.all.stream()
            .filter(m -> m instanceof AgentMessage.RunEvent)
            .map(m -> (AgentMessage.RunEvent) m)
            .toList();
    assertEquals(sent, replayed.size(), "every unacknowledged event is sent again after a restart");
    for (int i = 0; i < replayed.size(); i++) {
      assertEquals(i, replayed.get(i).seq(), "in order");
    }
    assertTrue(replayed.get(replayed.size() - 1) instanceof AgentMessage.RunFinished);
  }

  @Test
  void stoppingTheAgentMidRunReportsAnInfrastructureFailureForTheBackendToRequeue()
      throws Exception {
    backend.reply(assignment(15, 200, 0));
    backend.expect(AgentMessage.MetricReport.class, 30);
    new Thread(loop::stop).start();
    AgentMessage.RunFinished finished = backend.expect(AgentMessage.RunFinished.class, 30);
    assertEquals("FAILED", finished.outcome());
    assertEquals("infrastructure", finished.failure());
  }

  @Test
  void aRecipeThatCannotFitFailsAtOnceAsARecipeErrorWithAdvice() throws Exception {
    backend.reply(
        new BackendMessage.RunAssignment(
            16,
            1,
            "/data/1",
            "/model/16",
            Map.of("architecture", "resnet-50", "epochs", 1, "batchSize", 4096, "inputSize", 1024),
            SyntheticImages.CLASSES,
            1,
            0,
            null,
            null,
            "/checkpoint/16",
            false,
            1,
            null));
    AgentMessage.RunFinished finished = backend.expect(AgentMessage.RunFinished.class, 10);
    assertEquals("FAILED", finished.outcome());
    assertEquals("recipe", finished.failure());
    assertTrue(finished.reason().contains("batch size of at most"), finished.reason());
  }

  @Test
  void cancelStopsADownloadInProgressWithinMoments() throws Exception {
    backend.slowDownloads = true;
    backend.reply(assignment(17, 1, 0));
    Thread.sleep(500); // the dataset download is under way
    long cancelled = System.nanoTime();
    backend.reply(new BackendMessage.CancelRun(17));
    AgentMessage.RunFinished finished = backend.expect(AgentMessage.RunFinished.class, 10);
    assertEquals("CANCELLED", finished.outcome(), String.valueOf(finished.reason()));
    assertTrue(
        System.nanoTime() - cancelled < java.util.concurrent.TimeUnit.SECONDS.toNanos(10),
        "not after the minute-long download");
  }
}
