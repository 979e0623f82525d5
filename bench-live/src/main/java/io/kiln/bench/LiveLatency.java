package io.kiln.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * live-latency: from an agent's metric report to a browser viewer receiving it, through Kiln (agent
 * socket, ingestion into the database, fan-out on the run's socket) with 1, 100 and 1,000 viewers
 * of one run; then the same fan-out through a bare Vert.x WebSocket server (in a JVM of its own
 * when the script starts one, as Kiln's backend has), the ceiling. Prints p50/p99 per viewer count,
 * the backend's CPU and memory, and a RESULT line for p99 at the largest count.
 *
 * <p>Usage: LiveLatency http://127.0.0.1:PORT BACKEND_PID ADMIN_PASSWORD [viewer counts, e.g.
 * 1,100,1000] [BARE_PORT BARE_PID: a bare fan-out already running in its own JVM]
 */
public final class LiveLatency {
  static final int REPORTS = Integer.getInteger("reports", 100);
  static final int INTERVAL_MS = Integer.getInteger("intervalMs", 20);
  static final int WARMUP = Integer.getInteger("warmup", 1000);

  private LiveLatency() {}

  public static void main(String[] args) {
    try {
      run(args);
      System.exit(0);
    } catch (Exception | AssertionError e) {
      // Vert.x's threads would keep a failed benchmark alive for good: say why and end.
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    URI base = URI.create(args[0]);
    ProcessMeter backend = new ProcessMeter(Long.parseLong(args[1]));
    int[] counts =
        java.util.Arrays.stream((args.length > 3 ? args[3] : "1,100,1000").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    Vertx vertx = Vertx.vertx();
    Rest rest = new Rest(args[0]);
    rest.login(args[2]);
    long runId = rest.createRun(rest.uploadDataset());
    double kilnP99 = 0;
    double bareP99 = 0;
    System.out.printf(
        "%-8s %-8s %10s %10s %10s %10s %10s%n",
        "server", "viewers", "p50 ms", "p99 ms", "max ms", "cpu %", "rss MB");
    try (AgentSide agent = new AgentSide(base.getPort(), rest.enrollAgent())) {
      agent.claim(runId);
      // Warm-up, not measured: the backend's JIT compiles the ingestion and fan-out paths.
      try (Viewers warmup =
          Viewers.connect(
              vertx,
              base.getPort(),
              "/ws/runs/" + runId + "?afterSeq=" + agent.lastSeq(),
              rest.token(),
              10,
              WARMUP,
              true)) {
        for (int i = 1; i <= WARMUP; i++) {
          agent.report(i);
          Thread.sleep(5);
        }
        warmup.awaitAll(30_000);
      }
      for (int n : counts) {
        String uri = "/ws/runs/" + runId + "?afterSeq=" + agent.lastSeq();
        try (Viewers viewers =
            Viewers.connect(vertx, base.getPort(), uri, rest.token(), n, REPORTS, true)) {
          backend.start();
          for (int i = 1; i <= REPORTS; i++) {
            agent.report(i);
            Thread.sleep(INTERVAL_MS);
          }
          viewers.awaitAll(30_000);
          kilnP99 = print("kiln", n, viewers, backend.cpuPercent(), backend.rssMegabytes());
        }
        // What the backend itself measured on the way (over this count and the ones before it).
        rest.timers("kiln_agent_report", "kiln_live").forEach(t -> System.out.println("  " + t));
      }
    }
    // The bare server's own JVM when the script started one (args: port, pid), else this one.
    boolean ownJvm = args.length > 5;
    int barePort;
    BareFanout inThisJvm = null;
    if (ownJvm) {
      barePort = Integer.parseInt(args[4]);
    } else {
      inThisJvm = new BareFanout(vertx);
      barePort = inThisJvm.port();
    }
    ProcessMeter bareMeter = ownJvm ? new ProcessMeter(Long.parseLong(args[5])) : null;
    try {
      WebSocket sender =
          vertx
              .createWebSocketClient()
              .connect(
                  new WebSocketConnectOptions()
                      .setHost("127.0.0.1")
                      .setPort(barePort)
                      .setURI("/agent"))
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      for (int n : counts) {
        try (Viewers viewers = Viewers.connect(vertx, barePort, "/view", null, n, REPORTS, false)) {
          if (bareMeter != null) {
            bareMeter.start();
          }
          for (int i = 1; i <= REPORTS; i++) {
            // The same message shape Kiln pushes, built per report as Kiln does.
            sender.writeTextMessage(
                "{\"type\":\"metric\",\"point\":{\"seq\":"
                    + i
                    + ",\"kind\":\"step\",\"epoch\":1,"
                    + "\"step\":"
                    + i
                    + ",\"values\":{\"loss\":"
                    + (1.0 / i)
                    + ",\"benchSentNanos\":"
                    + (double) System.nanoTime()
                    + "},\"at\":"
                    + System.currentTimeMillis()
                    + "}}");
            Thread.sleep(INTERVAL_MS);
          }
          viewers.awaitAll(30_000);
          bareP99 =
              bareMeter == null
                  ? print("bare", n, viewers, Double.NaN, -1)
                  : print("bare", n, viewers, bareMeter.cpuPercent(), bareMeter.rssMegabytes());
        }
      }
      sender.close();
    } finally {
      if (inThisJvm != null) {
        inThisJvm.close();
      }
    }
    vertx.close();
    int largest = counts[counts.length - 1];
    System.out.printf(
        "RESULT name=live-latency-p99-%d-viewers kiln=%.2f reference=%.2f ratio=%.2f unit=ms%n",
        largest, kilnP99, bareP99, kilnP99 / bareP99);
  }

  private static double print(String server, int n, Viewers viewers, double cpu, long rss) {
    double[] ms = viewers.millis();
    double p50 = percentile(ms, 0.50);
    double p99 = percentile(ms, 0.99);
    System.out.printf(
        "%-8s %-8d %10.2f %10.2f %10.2f %10s %10s%s%n",
        server,
        n,
        p50,
        p99,
        ms.length == 0 ? Double.NaN : ms[ms.length - 1],
        Double.isNaN(cpu) ? "-" : String.format("%.0f", cpu),
        rss < 0 ? "-" : Long.toString(rss),
        viewers.received() < n * REPORTS
            ? "  (received " + viewers.received() + " of " + n * REPORTS + ")"
            : "");
    return p99;
  }

  static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
