package io.kiln.bench;

import io.vertx.core.Vertx;
import java.net.URI;

/**
 * replica-fanout: two Kiln backends (replicas A and B) on one PostgreSQL. An agent connected to A
 * reports; the latency from its report to a viewer on A (the same replica) and to a viewer on B
 * (the other replica: the point travels through PostgreSQL's NOTIFY) is measured with the same
 * number of viewers, alternated over rounds. Prints p50/p99 per round and a RESULT line: the other
 * replica's p99 against the same replica's (medians over the rounds).
 *
 * <p>Usage: ReplicaFanout http://A A_PID http://B B_PID ADMIN_PASSWORD [viewers, default 1000]
 * [rounds, default 3]
 */
public final class ReplicaFanout {
  private ReplicaFanout() {}

  public static void main(String[] args) {
    try {
      run(args);
      System.exit(0);
    } catch (Exception | AssertionError e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    URI a = URI.create(args[0]);
    URI b = URI.create(args[2]);
    ProcessMeter meterA = new ProcessMeter(Long.parseLong(args[1]));
    ProcessMeter meterB = new ProcessMeter(Long.parseLong(args[3]));
    int count = args.length > 5 ? Integer.parseInt(args[5]) : 1000;
    int rounds = args.length > 6 ? Integer.parseInt(args[6]) : 3;
    Vertx vertx = Vertx.vertx();
    Rest restA = new Rest(args[0]);
    restA.login(args[4]);
    Rest restB = new Rest(args[2]);
    restB.login(args[4]);
    long runId = restA.createRun(restA.uploadDataset());
    double[] same = new double[rounds];
    double[] other = new double[rounds];
    System.out.printf(
        "%-6s %-14s %-8s %10s %10s %10s %8s %8s%n",
        "round", "viewer on", "viewers", "p50 ms", "p99 ms", "max ms", "cpu A %", "cpu B %");
    try (AgentSide agent = new AgentSide(a.getPort(), restA.enrollAgent())) {
      agent.claim(runId);
      // Warm-up on both replicas, not measured: the JIT compiles both paths.
      for (Rest rest : new Rest[] {restA, restB}) {
        URI target = rest == restA ? a : b;
        try (Viewers warm =
            Viewers.connect(
                vertx,
                target.getPort(),
                "/ws/runs/" + runId + "?afterSeq=" + agent.lastSeq(),
                rest.token(),
                10,
                LiveLatency.WARMUP / 2,
                true)) {
          for (int i = 1; i <= LiveLatency.WARMUP / 2; i++) {
            agent.report(i);
            Thread.sleep(5);
          }
          warm.awaitAll(60_000);
        }
      }
      for (int r = 0; r < rounds; r++) {
        same[r] = measure(vertx, agent, runId, a, restA, count, "A (same)", r, meterA, meterB);
        other[r] = measure(vertx, agent, runId, b, restB, count, "B (other)", r, meterA, meterB);
      }
    }
    vertx.close();
    java.util.Arrays.sort(same);
    java.util.Arrays.sort(other);
    double sameP99 = median(same);
    double otherP99 = median(other);
    System.out.printf(
        "RESULT name=replica-fanout-p99-%d-viewers kiln=%.2f reference=%.2f ratio=%.2f unit=ms%n",
        count, otherP99, sameP99, otherP99 / sameP99);
  }

  private static double measure(
      Vertx vertx,
      AgentSide agent,
      long runId,
      URI replica,
      Rest rest,
      int count,
      String label,
      int round,
      ProcessMeter meterA,
      ProcessMeter meterB)
      throws Exception {
    String uri = "/ws/runs/" + runId + "?afterSeq=" + agent.lastSeq();
    try (Viewers viewers =
        Viewers.connect(
            vertx, replica.getPort(), uri, rest.token(), count, LiveLatency.REPORTS, true)) {
      meterA.start();
      meterB.start();
      for (int i = 1; i <= LiveLatency.REPORTS; i++) {
        agent.report(i);
        Thread.sleep(LiveLatency.INTERVAL_MS);
      }
      viewers.awaitAll(60_000);
      double[] ms = viewers.millis();
      double p99 = LiveLatency.percentile(ms, 0.99);
      System.out.printf(
          "%-6d %-14s %-8d %10.2f %10.2f %10.2f %8.0f %8.0f%s%n",
          round + 1,
          label,
          count,
          LiveLatency.percentile(ms, 0.50),
          p99,
          ms.length == 0 ? Double.NaN : ms[ms.length - 1],
          meterA.cpuPercent(),
          meterB.cpuPercent(),
          viewers.received() < count * LiveLatency.REPORTS
              ? "  (received " + viewers.received() + " of " + count * LiveLatency.REPORTS + ")"
              : "");
      return p99;
    }
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
