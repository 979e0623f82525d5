package io.kiln.backend.predict;

import io.kiln.backend.auth.ApiKey;
import io.kiln.backend.auth.ApiKeys;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.run.RunService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jboss.logging.Logger;

/**
 * The prediction log: every answered request is queued in memory and written in one batch each
 * second (and before the log is read, and at shutdown), so a prediction never waits for a database
 * commit. A crash loses at most the last second of log entries, never a prediction.
 */
@ApplicationScoped
public class PredictionLogs {
  static final int RECENT = 200;
  private static final Logger LOG = Logger.getLogger(PredictionLogs.class);

  private final RunService runs;
  private final ApiKeys keys;
  private final ConcurrentLinkedQueue<PredictionLog> pending = new ConcurrentLinkedQueue<>();

  PredictionLogs(RunService runs, ApiKeys keys) {
    this.runs = runs;
    this.keys = keys;
  }

  /** Queues one answered request for the next write. */
  void record(PredictionLog entry) {
    pending.add(entry);
  }

  /** Writes the queued entries, and when each API key was last used, in one transaction. */
  @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  synchronized void flush() {
    if (pending.isEmpty()) {
      return;
    }
    List<PredictionLog> batch = new ArrayList<>();
    for (PredictionLog entry; (entry = pending.poll()) != null; ) {
      batch.add(entry);
    }
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              PredictionLog.persist(batch);
              Map<Long, Instant> lastUse = new HashMap<>();
              batch.stream()
                  .filter(e -> e.apiKeyId != null)
                  .forEach(e -> lastUse.merge(e.apiKeyId, e.at, (a, b) -> a.isAfter(b) ? a : b));
              lastUse.forEach(keys::used);
            });
  }

  /**
   * @param by a person's name, or "API key NAME"
   */
  public record LoggedRequest(Instant at, int images, int failed, double millis, String by) {}

  public record PredictionLogView(
      long requests, long images, long failed, List<LoggedRequest> recent) {}

  public PredictionLogView of(long runId, Caller caller) {
    flush();
    return QuarkusTransaction.requiringNew().call(() -> read(runId, caller));
  }

  /** The last entries at shutdown, while the database is still there. */
  @PreDestroy
  void flushAtShutdown() {
    try {
      flush();
    } catch (RuntimeException e) {
      LOG.warnf("%d prediction log entries not written at shutdown: %s", pending.size(), e);
    }
  }

  private PredictionLogView read(long runId, Caller caller) {
    runs.visible(runId, caller);
    List<PredictionLog> latest =
        PredictionLog.find("runId", Sort.descending("at", "id"), runId).page(0, RECENT).list();
    List<LoggedRequest> recent = new ArrayList<>();
    for (int i = latest.size() - 1; i >= 0; i--) {
      PredictionLog log = latest.get(i);
      recent.add(new LoggedRequest(log.at, log.images, log.failed, log.millis, by(log)));
    }
    Object[] totals =
        (Object[])
            PredictionLog.getEntityManager()
                .createQuery(
                    "select count(p), coalesce(sum(p.images), 0), coalesce(sum(p.failed), 0)"
                        + " from PredictionLog p where p.runId = ?1")
                .setParameter(1, runId)
                .getSingleResult();
    return new PredictionLogView(
        ((Number) totals[0]).longValue(),
        ((Number) totals[1]).longValue(),
        ((Number) totals[2]).longValue(),
        recent);
  }

  private static String by(PredictionLog log) {
    if (log.username != null) {
      return log.username;
    }
    ApiKey key = log.apiKeyId == null ? null : ApiKey.findById(log.apiKeyId);
    return key == null ? "a revoked API key" : "API key " + key.name;
  }
}
