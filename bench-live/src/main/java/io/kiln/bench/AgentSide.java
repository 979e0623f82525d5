package io.kiln.bench;

import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.fixtures.ProtocolClient;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A protocol-speaking agent (test-fixtures' {@link ProtocolClient}, the one the backend and e2e
 * tests use) that holds one run and reports metric points stamped with nanoTime.
 */
final class AgentSide implements AutoCloseable {
  private final ProtocolClient client;
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bench-heartbeat");
            t.setDaemon(true);
            return t;
          });
  private long runId;
  private long seq;

  AgentSide(int port, String credential) throws InterruptedException {
    client = new ProtocolClient(URI.create("http://127.0.0.1:" + port + "/"), credential).hello();
  }

  /** Claims the queued run and starts it; heartbeats keep the lease. */
  void claim(long expectedRun) throws Exception {
    claim(expectedRun, 1000, 1_000_000);
  }

  /** Claims the queued run and starts it with this many epochs of this many steps. */
  void claim(long expectedRun, int epochs, long stepsPerEpoch) throws Exception {
    client.send(new AgentMessage.ClaimRun());
    BackendMessage.RunAssignment assignment = client.expect(BackendMessage.RunAssignment.class);
    if (assignment.runId() != expectedRun) {
      throw new IllegalStateException(
          "claimed run " + assignment.runId() + ", expected " + expectedRun);
    }
    runId = assignment.runId();
    seq = assignment.nextSeq();
    client.send(new AgentMessage.RunStarted(runId, seq++, "cpu()", epochs, stepsPerEpoch));
    long held = runId;
    heartbeats.scheduleAtFixedRate(
        () -> client.send(new AgentMessage.Heartbeat(held)), 2, 2, TimeUnit.SECONDS);
  }

  long lastSeq() {
    return seq - 1;
  }

  void report(int step) {
    client.send(
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
    client.send(
        new AgentMessage.MetricReport(
            runId, seq++, kind, epoch, step, values, System.currentTimeMillis()));
  }

  /** Ends the run as succeeded and waits until the backend has acknowledged every event. */
  void finish() throws InterruptedException {
    heartbeats.shutdownNow(); // no heartbeat for a run that has ended
    long last = seq;
    client.send(new AgentMessage.RunFinished(runId, seq++, "SUCCEEDED", null));
    long deadline = System.currentTimeMillis() + 600_000;
    while (System.currentTimeMillis() < deadline) {
      if (client.next(100) instanceof BackendMessage.Ack ack && ack.seq() >= last) {
        return;
      }
    }
    throw new IllegalStateException("the backend never acknowledged the end of run " + runId);
  }

  @Override
  public void close() {
    heartbeats.shutdownNow();
    client.close();
  }
}
