package io.kiln.bench;

import io.kiln.core.metric.Metric;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Metric points per second the backend stores (durably, each acknowledged after its commit) from a
 * simulated fleet: N agents, each holding a run and reporting every step as fast as the connection
 * takes them. Then, with the backend stopped, the same number of points inserted into the same
 * database file with plain JDBC batches of the size the backend commits (500), the reference.
 *
 * <p>{@code kiln BASE PASSWORD AGENTS POINTS}: prints {@code kiln_points_per_second=...}. {@code
 * raw JDBC_URL POINTS}: prints {@code raw_points_per_second=...}.
 */
public final class Ingest {
  static final int BATCH = 500;

  public static void main(String[] args) throws Exception {
    if ("raw".equals(args[0])) {
      raw(args[1], Integer.parseInt(args[2]));
    } else {
      kiln(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
    }
  }

  private static void kiln(String base, String password, int agents, int points) throws Exception {
    Rest rest = new Rest(base);
    rest.login(password);
    long dataset = rest.uploadDataset();
    List<AgentSide> fleet = new ArrayList<>();
    try {
      for (int a = 0; a < agents; a++) {
        AgentSide agent = new AgentSide(URI.create(base).getPort(), rest.enrollAgent());
        fleet.add(agent);
        long run = rest.createRun(dataset, "ingest " + a, Map.of("epochs", 1));
        agent.claim(run, 1, points);
      }
      ExecutorService pool = Executors.newFixedThreadPool(agents);
      long start = System.nanoTime();
      List<Future<?>> done = new ArrayList<>();
      for (AgentSide agent : fleet) {
        done.add(
            pool.submit(
                () -> {
                  for (int s = 1; s <= points; s++) {
                    agent.report(
                        "step",
                        1,
                        s,
                        Map.of(
                            Metric.LOSS.key(), 1.0 / s,
                            Metric.LR.key(), 0.05,
                            Metric.IMAGES_PER_SECOND.key(), 1500.0));
                  }
                  agent.finish(); // returns once every point is acknowledged
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      pool.shutdown();
      long total = (long) agents * points;
      System.out.printf(
          Locale.ROOT,
          "kiln: %d agents x %d points = %d points acknowledged in %.2f s%n",
          agents,
          points,
          total,
          seconds);
      System.out.printf(Locale.ROOT, "kiln_points_per_second=%.0f%n", total / seconds);
    } finally {
      for (AgentSide agent : fleet) {
        agent.close();
      }
    }
  }

  private static void raw(String url, int total) throws Exception {
    try (Connection c = DriverManager.getConnection(url, "kiln", "kiln")) {
      c.setAutoCommit(false);
      long run;
      try (var rs = c.createStatement().executeQuery("select min(id) from run")) {
        rs.next();
        run = rs.getLong(1);
      }
      String values = "{\"" + Metric.LOSS.key() + "\":0.5,\"lr\":0.05,\"imagesPerSecond\":1500.0}";
      long start = System.nanoTime();
      try (PreparedStatement insert =
          c.prepareStatement(
              "insert into metric_point (run_id, seq, kind, epoch, step, metric_values,"
                  + " reported_at) values (?, ?, 'step', 1, ?, ?, ?)")) {
        for (int i = 0; i < total; i++) {
          insert.setLong(1, run);
          insert.setLong(2, 100_000_000L + i);
          insert.setLong(3, i);
          insert.setString(4, values);
          insert.setTimestamp(5, new Timestamp(System.currentTimeMillis()));
          insert.addBatch();
          if ((i + 1) % BATCH == 0 || i == total - 1) {
            insert.executeBatch();
            c.commit();
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          Locale.ROOT, "raw JDBC: %d points in batches of %d in %.2f s%n", total, BATCH, seconds);
      System.out.printf(Locale.ROOT, "raw_points_per_second=%.0f%n", total / seconds);
    }
  }
}
