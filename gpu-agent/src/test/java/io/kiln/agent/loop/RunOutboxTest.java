package io.kiln.agent.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiln.core.protocol.AgentMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunOutboxTest {
  @Test
  void eventsWaitOnDiskUntilAcknowledgedAndAreLoadedAgainAfterARestart(@TempDir Path dir)
      throws Exception {
    InMemoryBackend backend = new InMemoryBackend();
    backend.autoAck = false;
    RunOutbox outbox = new RunOutbox(backend, dir);
    outbox.send(new AgentMessage.RunStarted(3, 0, "cpu()", 1, 10));
    outbox.send(new AgentMessage.RunFinished(3, 1, "SUCCEEDED", null));
    assertEquals(2, backend.all.size());
    try (var files = Files.list(dir)) {
      assertEquals(2, files.count());
    }
    outbox.ack(3, 0);
    RunOutbox restarted = new RunOutbox(new InMemoryBackend(), dir);
    assertEquals(1, restarted.size(), "only the unacknowledged event is left");
  }

  @Test
  void anEventTooLargeForAMessageIsDroppedNotResentForever(@TempDir Path dir) {
    InMemoryBackend backend = new InMemoryBackend();
    RunOutbox outbox = new RunOutbox(backend, dir);
    outbox.send(new AgentMessage.RunEvaluated(3, 0, Map.of("blob", "x".repeat(5 << 20))));
    assertEquals(0, outbox.size());
    assertEquals(0, backend.all.size());
  }
}
