package io.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.MetricKind;
import io.kiln.core.protocol.Protocol;
import io.kiln.core.protocol.ProtocolCodec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An agent's side of the protocol over a real WebSocket, driven step by step by a test. */
final class ProtocolAgent implements AutoCloseable {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final ProtocolCodec codec = new ProtocolCodec();
  private final BlockingQueue<BackendMessage> inbox = new LinkedBlockingQueue<>();
  private final WebSocket socket;

  /** Connects to the fleet's backend as the agent with this credential and says hello. */
  ProtocolAgent(RemoteFleet fleet, String credential) throws Exception {
    socket =
        HTTP.newWebSocketBuilder()
            .header("Authorization", "Bearer " + credential)
            .buildAsync(
                URI.create("ws://127.0.0.1:" + fleet.port + Protocol.AGENT_PATH), listener())
            .join();
    send(
        new AgentMessage.Hello(
            Protocol.VERSION,
            "test",
            "test-host",
            List.of(new AgentMessage.DeviceInfo("cpu()", "cpu", "test"))));
    expect(BackendMessage.Welcome.class);
  }

  /** Sends {@code count} step points from {@code seq} and waits for every acknowledgement. */
  void points(long runId, long seq, int step, int count) throws InterruptedException {
    long last = seq + count - 1;
    for (int i = 0; i < count; i++) {
      send(
          new AgentMessage.MetricReport(
              runId,
              seq + i,
              MetricKind.STEP,
              1,
              step + i,
              Map.of(Metric.LOSS.key(), 1.0 / (step + i)),
              System.currentTimeMillis()));
    }
    Set<Long> acked = new HashSet<>();
    long deadline = System.currentTimeMillis() + 60_000;
    while (acked.size() < count && System.currentTimeMillis() < deadline) {
      BackendMessage m = inbox.poll(100, TimeUnit.MILLISECONDS);
      if (m instanceof BackendMessage.Ack ack && ack.seq() >= seq && ack.seq() <= last) {
        acked.add(ack.seq());
      }
    }
    assertEquals(count, acked.size(), "the backend acknowledged every point");
  }

  synchronized void send(AgentMessage message) {
    socket.sendText(codec.encode(message), true).join();
  }

  <T extends BackendMessage> T expect(Class<T> type) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline) {
      BackendMessage m = inbox.poll(100, TimeUnit.MILLISECONDS);
      if (type.isInstance(m)) {
        return type.cast(m);
      }
    }
    throw new AssertionError("no " + type.getSimpleName());
  }

  /** The next message of any type, or null after {@code millis}. */
  BackendMessage next(long millis) throws InterruptedException {
    return inbox.poll(millis, TimeUnit.MILLISECONDS);
  }

  private WebSocket.Listener listener() {
    return new WebSocket.Listener() {
      private final StringBuilder text = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          inbox.add(codec.decodeBackend(text.toString()));
          text.setLength(0);
        }
        webSocket.request(1);
        return null;
      }
    };
  }

  @Override
  public void close() {
    socket.abort();
  }
}
