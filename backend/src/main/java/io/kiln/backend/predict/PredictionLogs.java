package io.kiln.backend.predict;

import io.kiln.backend.auth.ApiKey;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.run.RunService;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What a run's prediction log shows: totals and the latest requests, oldest first. */
@ApplicationScoped
public class PredictionLogs {
  static final int RECENT = 200;

  private final RunService runs;

  PredictionLogs(RunService runs) {
    this.runs = runs;
  }

  /**
   * @param by a person's name, or "API key NAME"
   */
  public record LoggedRequest(Instant at, int images, int failed, double millis, String by) {}

  public record PredictionLogView(
      long requests, long images, long failed, List<LoggedRequest> recent) {}

  @Transactional
  public PredictionLogView of(long runId, Caller caller) {
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
