package io.kiln.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProtocolCodecTest {
  private final ProtocolCodec codec = new ProtocolCodec();

  @Test
  void everyPermittedMessageHasAWireName() {
    ArrayDeque<Class<?>> todo = new ArrayDeque<>(List.of(AgentMessage.class, BackendMessage.class));
    int records = 0;
    while (!todo.isEmpty()) {
      Class<?> type = todo.pop();
      if (type.isSealed()) {
        todo.addAll(List.of(type.getPermittedSubclasses()));
      } else {
        records++;
        assertTrue(ProtocolCodec.knows(type), type.getSimpleName());
      }
    }
    assertEquals(15, records, "7 agent messages, 8 backend messages");
  }

  @Test
  void everyAgentMessageRoundTrips() {
    List<AgentMessage> messages =
        List.of(
            new AgentMessage.Hello(
                Protocol.VERSION,
                "0.1",
                "host",
                List.of(new AgentMessage.DeviceInfo("cpu()", "cpu", "x86"))),
            new AgentMessage.Heartbeat(null),
            new AgentMessage.Heartbeat(4L),
            new AgentMessage.ClaimRun(),
            new AgentMessage.RunStarted(4, 0, "cpu()", 3, 10),
            new AgentMessage.MetricReport(4, 1, MetricKind.STEP, 1, 20, Map.of("loss", 0.5), 1000),
            new AgentMessage.RunEvaluated(
                4, 8, Map.of("accuracy", 0.9, "classNames", java.util.List.of("a", "b"))),
            new AgentMessage.RunFinished(4, 9, "FAILED", "out of memory"));
    for (AgentMessage m : messages) {
      assertEquals(m, codec.decodeAgent(codec.encode(m)));
    }
  }

  @Test
  void everyBackendMessageRoundTrips() {
    List<BackendMessage> messages =
        List.of(
            new BackendMessage.Welcome("a1", 1, 2, 15),
            new BackendMessage.Rejected("old"),
            new BackendMessage.WorkAvailable(),
            new BackendMessage.NoWork(),
            new BackendMessage.RunAssignment(
                1,
                2,
                "/d",
                "/m",
                Map.of("epochs", 3),
                List.of("a", "b"),
                10,
                0,
                "/w",
                "ab12",
                "/c",
                true,
                2,
                new io.kiln.core.labels.CrossFit.Fold(1, 5, 42)),
            new BackendMessage.CancelRun(3),
            new BackendMessage.Ack(3, 7));
    for (BackendMessage m : messages) {
      assertEquals(m, codec.decodeBackend(codec.encode(m)));
    }
  }

  @Test
  void envelopeNamesTheTypeAndNewerFieldsAreIgnored() {
    String json = codec.encode(new AgentMessage.Heartbeat(5L));
    assertTrue(json.contains("\"type\":\"heartbeat\""), json);
    AgentMessage m =
        codec.decodeAgent("{\"type\":\"heartbeat\",\"runId\":5,\"gpuTemperature\":61}");
    assertEquals(new AgentMessage.Heartbeat(5L), m);
  }

  @Test
  void badFramesAreRejectedWithAReason() {
    assertTrue(
        assertThrows(ProtocolException.class, () -> codec.decodeAgent("nope"))
            .getMessage()
            .contains("JSON"));
    assertTrue(
        assertThrows(ProtocolException.class, () -> codec.decodeAgent("{\"type\":\"explode\"}"))
            .getMessage()
            .contains("explode"));
    assertThrows(ProtocolException.class, () -> codec.decodeAgent("[1]"));
    assertThrows(ProtocolException.class, () -> codec.decodeBackend("{\"type\":\"hello\"}"));
  }
}
