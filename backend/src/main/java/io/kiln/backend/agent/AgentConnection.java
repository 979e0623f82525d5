package io.kiln.backend.agent;

import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.ProtocolCodec;
import io.vertx.core.http.ServerWebSocket;
import java.util.concurrent.Executor;

/** One live WebSocket from an agent, with its own ordered task queue. */
final class AgentConnection {
  final long agentId;
  final ServerWebSocket socket;
  final SerialExecutor tasks;

  /**
   * A text as it arrived: decoded on arrival (null where it does not decode; the handler answers
   * that), and when ({@link System#nanoTime}), for the delivery timers.
   */
  record Inbound(String text, AgentMessage message, long arrivedNanos) {}

  /** Texts received and not handled yet, oldest first; drained by {@link #tasks}. */
  final java.util.Queue<Inbound> inbox = new java.util.concurrent.ConcurrentLinkedQueue<>();

  private final ProtocolCodec codec;
  volatile boolean greeted;
  volatile Long currentRunId;

  AgentConnection(long agentId, ServerWebSocket socket, Executor pool, ProtocolCodec codec) {
    this.agentId = agentId;
    this.socket = socket;
    this.tasks = new SerialExecutor(pool);
    this.codec = codec;
  }

  void send(BackendMessage message) {
    if (!socket.isClosed()) {
      socket.writeTextMessage(codec.encode(message));
    }
  }

  boolean idle() {
    return greeted && currentRunId == null;
  }
}
