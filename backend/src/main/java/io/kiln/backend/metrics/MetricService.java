package io.kiln.backend.metrics;

import com.fasterxml.jackson.core.type.TypeReference;
import io.kiln.backend.common.Json;
import io.kiln.backend.run.RunEvents;
import io.kiln.backend.run.RunSequence;
import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.AgentMessage.MetricReport;
import io.kiln.core.protocol.MetricKind;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hibernate.Session;

/**
 * Stores reported metric points exactly once per (run, seq) and reads them back. Knows nothing of
 * leases or run progress: the caller checks the lease and moves the run forward in the same
 * transaction (see the agent package's intake).
 */
@ApplicationScoped
public class MetricService implements RunSequence {
  private static final TypeReference<LinkedHashMap<String, Double>> VALUES =
      new TypeReference<>() {};
  private final Json json;
  private final Event<MetricEvents> stored;
  private final Event<MetricEvents.Stored> storedTogether;

  MetricService(Json json, Event<MetricEvents> stored, Event<MetricEvents.Stored> storedTogether) {
    this.json = json;
    this.stored = stored;
    this.storedTogether = storedTogether;
  }

  /**
   * Stores points in the caller's transaction with one query for those already stored and one JDBC
   * batch insert for the rest (an entity per point would insert them one by one and flush the run's
   * progress before every duplicate check). Returns, in order, each point's view, or empty where
   * that (run, seq) was stored before.
   */
  public List<Optional<MetricView>> storeAll(List<MetricReport> reports) {
    if (reports.isEmpty()) {
      return List.of();
    }
    Set<String> seen = new HashSet<>(existing(reports));
    List<MetricReport> fresh = new ArrayList<>();
    List<Optional<MetricView>> views = new ArrayList<>();
    for (MetricReport report : reports) {
      if (!seen.add(report.runId() + "/" + report.seq())) {
        views.add(Optional.empty());
        continue;
      }
      fresh.add(report);
      views.add(Optional.of(MetricView.of(report)));
    }
    MetricPoint.getEntityManager()
        .unwrap(Session.class)
        .doWork(
            connection -> {
              try (PreparedStatement insert =
                  connection.prepareStatement(
                      "insert into metric_point (run_id, seq, kind, epoch, step, metric_values,"
                          + " reported_at) values (?, ?, ?, ?, ?, ?, ?)")) {
                for (MetricReport r : fresh) {
                  insert.setLong(1, r.runId());
                  insert.setLong(2, r.seq());
                  insert.setString(3, r.kind());
                  insert.setInt(4, r.epoch());
                  insert.setLong(5, r.step());
                  insert.setString(6, json.write(r.values()));
                  insert.setObject(
                      7,
                      OffsetDateTime.ofInstant(
                          Instant.ofEpochMilli(r.timestampMillis()), ZoneOffset.UTC));
                  insert.addBatch();
                }
                insert.executeBatch();
              }
            });
    List<MetricEvents> events = new ArrayList<>();
    for (int i = 0; i < reports.size(); i++) {
      Optional<MetricView> view = views.get(i);
      if (view.isPresent()) {
        MetricEvents event = new MetricEvents(reports.get(i).runId(), view.get());
        stored.fire(event);
        events.add(event);
      }
    }
    if (!events.isEmpty()) {
      storedTogether.fire(new MetricEvents.Stored(List.copyOf(events)));
    }
    return views;
  }

  /** "run/seq" of the given reports that are already stored. */
  private List<String> existing(List<MetricReport> reports) {
    Set<Long> runs = new HashSet<>();
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (MetricReport r : reports) {
      runs.add(r.runId());
      min = Math.min(min, r.seq());
      max = Math.max(max, r.seq());
    }
    return MetricPoint.getEntityManager()
        .createQuery(
            "select m.runId, m.seq from MetricPoint m"
                + " where m.runId in :runs and m.seq between :min and :max",
            Object[].class)
        .setParameter("runs", runs)
        .setParameter("min", min)
        .setParameter("max", max)
        .setFlushMode(jakarta.persistence.FlushModeType.COMMIT)
        .getResultList()
        .stream()
        .map(row -> row[0] + "/" + row[1])
        .toList();
  }

  /** Points of a run with a sequence number above {@code afterSeq}, in order. */
  @Transactional
  public List<MetricView> list(long runId, long afterSeq) {
    return MetricPoint.<MetricPoint>list(
            "runId = ?1 and seq > ?2", Sort.ascending("seq"), runId, afterSeq)
        .stream()
        .map(this::view)
        .toList();
  }

  /**
   * A run's curves for a chart: every epoch point, and about {@code maxSteps} step points (those
   * whose sequence number is a multiple of k; both read along the run's (run, kind, seq) index).
   *
   * @param stepPoints how many sequence numbers the run has used (an upper bound of its points)
   * @param every k: 1 when every point is there
   */
  public record Curves(long runId, List<MetricView> points, long stepPoints, long every) {}

  @Transactional
  public Curves curves(long runId, int maxSteps) {
    long used = nextSeq(runId);
    long every = Math.max(1, (used + maxSteps - 1) / maxSteps);
    List<MetricView> points;
    if (every == 1) {
      points = list(runId, -1);
    } else {
      List<MetricPoint> rows =
          new ArrayList<>(MetricPoint.list("runId = ?1 and kind = ?2", runId, MetricKind.EPOCH));
      rows.addAll(
          MetricPoint.list(
              "runId = ?1 and kind = ?2 and mod(seq, ?3) = 0", runId, MetricKind.STEP, every));
      rows.sort(Comparator.comparingLong(p -> p.seq));
      points = rows.stream().map(this::view).toList();
    }
    return new Curves(runId, points, used, every);
  }

  /** The run's epoch points, in order. */
  @Transactional
  public List<MetricView> epochs(long runId) {
    return MetricPoint.<MetricPoint>list(
            "runId = ?1 and kind = ?2", Sort.ascending("seq"), runId, MetricKind.EPOCH)
        .stream()
        .map(this::view)
        .toList();
  }

  /** The value of {@code metric} in the run's last epoch point, if it has one. */
  @Transactional
  public Optional<Double> lastEpochValue(long runId, Metric metric) {
    MetricPoint last =
        MetricPoint.find(
                "runId = ?1 and kind = ?2", Sort.descending("seq"), runId, MetricKind.EPOCH)
            .firstResult();
    return Optional.ofNullable(last).map(p -> metric.orNull(view(p).values()));
  }

  /** The next sequence number an agent should use for a run. */
  @Transactional
  /**
   * Drops the points of the epochs after a resumed run's checkpoint: the attempt that reported them
   * did not finish them, and the next one reports them again. In the run's transaction.
   */
  void onRewound(@Observes RunEvents.Rewound event) {
    MetricPoint.delete("runId = ?1 and epoch > ?2", event.runId(), event.keepThroughEpoch());
  }

  @Override
  public long nextSeq(long runId) {
    Long max =
        MetricPoint.getEntityManager()
            .createQuery("select max(m.seq) from MetricPoint m where m.runId = :run", Long.class)
            .setParameter("run", runId)
            .getSingleResult();
    return max == null ? 0 : max + 1;
  }

  MetricView view(MetricPoint p) {
    return new MetricView(
        p.seq,
        p.kind,
        p.epoch,
        p.step,
        // A point stored before agent events were checked may hold null: it reads as no values.
        Objects.requireNonNullElse(json.read(p.values, VALUES, "metric point " + p.id), Map.of()),
        p.reportedAt.toEpochMilli());
  }
}
