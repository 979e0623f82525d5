package io.kiln.bench;

import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.Protocol;
import io.kiln.core.protocol.ProtocolCodec;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A protocol-speaking agent that holds one run and reports metric points stamped with nanoTime. */
final class AgentSide implements AutoCloseable {
  private final ProtocolCodec codec = new ProtocolCodec();
  private final BlockingQueue<BackendMessage> inbox = new LinkedBlockingQueue<>();
  private final WebSocket socket;
  private final Vertx vertx;
  private long timer = -1;
  private long runId;
  private long seq;

  AgentSide(Vertx vertx, int port, String credential) throws Exception {
    this.vertx = vertx;
    socket =
        vertx
            .createWebSocketClient()
            .connect(
                new WebSocketConnectOptions()
                    .setHost("127.0.0.1")
                    .setPort(port)
                    .setURI(Protocol.AGENT_PATH)
                    .addHeader("Authorization", "Bearer " + credential))
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    socket.textMessageHandler(text -> inbox.add(codec.decodeBackend(text)));
    send(
        new AgentMessage.Hello(
            Protocol.VERSION,
            "bench",
            "bench-host",
            List.of(new AgentMessage.DeviceInfo("cpu()", "cpu", "bench"))));
    expect(BackendMessage.Welcome.class);
  }

  /** Claims the queued run and starts it; heartbeats keep the lease. */
  void claim(long expectedRun) throws Exception {
    claim(expectedRun, 1000, 1_000_000);
  }

  /** Claims the queued run and starts it with this many epochs of this many steps. */
  void claim(long expectedRun, int epochs, long stepsPerEpoch) throws Exception {
    send(new AgentMessage.ClaimRun());
    BackendMessage.RunAssignment assignment = expect(BackendMessage.RunAssignment.class);
    if (assignment.runId() != expectedRun) {
      throw new IllegalStateException(
          "claimed run " + assignment.runId() + ", expected " + expectedRun);
    }
    runId = assignment.runId();
    seq = assignment.nextSeq();
    send(new AgentMessage.RunStarted(runId, seq++, "cpu()", epochs, stepsPerEpoch));
    timer = vertx.setPeriodic(2000, id -> send(new AgentMessage.Heartbeat(runId)));
  }

  long lastSeq() {
    return seq - 1;
  }

  void report(int step) {
    send(
        new AgentMessage.MetricReport(
            runId,
            seq++,
            "step",
            1,
            step,
            Map.of(Metric.LOSS.key(), 1.0 / step, "benchSentNanos", (double) System.nanoTime()),
            System.currentTimeMillis()));
  }

  /** One point of any kind, for filling a run with curves. */
  void report(String kind, int epoch, long step, Map<String, Double> values) {
    send(
        new AgentMessage.MetricReport(
            runId, seq++, kind, epoch, step, values, System.currentTimeMillis()));
  }

  /** Ends the run as succeeded and waits until the backend has acknowledged every event. */
  void finish() throws InterruptedException {
    if (timer >= 0) {
      vertx.cancelTimer(timer); // no heartbeat for a run that has ended
      timer = -1;
    }
    long last = seq;
    send(new AgentMessage.RunFinished(runId, seq++, "SUCCEEDED", null));
    long deadline = System.currentTimeMillis() + 600_000;
    while (System.currentTimeMillis() < deadline) {
      BackendMessage m = inbox.poll(100, TimeUnit.MILLISECONDS);
      if (m instanceof BackendMessage.Ack ack && ack.seq() >= last) {
        return;
      }
    }
    throw new IllegalStateException("the backend never acknowledged the end of run " + runId);
  }

  private void send(AgentMessage message) {
    socket.writeTextMessage(codec.encode(message));
  }

  private <T extends BackendMessage> T expect(Class<T> type) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < deadline) {
      BackendMessage m = inbox.poll(100, TimeUnit.MILLISECONDS);
      if (type.isInstance(m)) {
        return type.cast(m);
      }
    }
    throw new IllegalStateException("no " + type.getSimpleName() + " from the backend");
  }

  @Override
  public void close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    socket.close();
  }
}
