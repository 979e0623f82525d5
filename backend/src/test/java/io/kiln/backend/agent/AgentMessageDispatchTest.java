package io.kiln.backend.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The agent channel's dispatch is total: every message type the sealed protocol permits has a
 * handler, so a new message cannot be silently ignored (plain JUnit: no Quarkus start needed).
 */
class AgentMessageDispatchTest {
  @Test
  void everyPermittedAgentMessageHasAHandler() {
    AgentMessageHandler handler =
        new AgentMessageHandler(null, null, null, null, null, null, null, null, null);
    assertEquals(Set.of(), handler.unhandled());
  }
}
