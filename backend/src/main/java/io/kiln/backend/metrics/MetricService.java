package io.kiln.backend.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunEvents;
import io.kiln.backend.run.RunMapper;
import io.kiln.core.protocol.AgentMessage.MetricReport;
import io.kiln.core.protocol.MetricKind;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Stores reported metric points exactly once and keeps the run's progress fields current. */
@ApplicationScoped
public class MetricService {
  private static final TypeReference<LinkedHashMap<String, Double>> VALUES = new TypeReference<>() {};
  private final ObjectMapper json;
  private final RunMapper runs;
  private final Event<MetricEvents> stored;
  private final Event<RunEvents.Changed> changed;

  MetricService(ObjectMapper json, RunMapper runs, Event<MetricEvents> stored, Event<RunEvents.Changed> changed) {
    this.json = json;
    this.runs = runs;
    this.stored = stored;
    this.changed = changed;
  }

  /** What became of a report. */
  public enum Outcome { STORED, DUPLICATE, NOT_HELD }

  @Transactional
  public Outcome ingest(long agentId, MetricReport report) {
    Run run = Run.findById(report.runId());
    if (run == null || !Objects.equals(run.agentId, agentId) || !run.state.leased()) {
      return Outcome.NOT_HELD;
    }
    if (MetricPoint.count("runId = ?1 and seq = ?2", report.runId(), report.seq()) > 0) {
      return Outcome.DUPLICATE;
    }
    MetricPoint point = new MetricPoint();
    point.runId = report.runId();
    point.seq = report.seq();
    point.kind = report.kind();
    point.epoch = report.epoch();
    point.step = report.step();
    point.values = write(report.values());
    point.reportedAt = Instant.ofEpochMilli(report.timestampMillis());
    point.persist();
    run.lastStep = Math.max(run.lastStep, report.step());
    if (MetricKind.EPOCH.equals(report.kind())) {
      run.currentEpoch = Math.max(run.currentEpoch, report.epoch());
      Double val = report.values().get("valAccuracy");
      if (val != null && (run.bestValAccuracy == null || val > run.bestValAccuracy)) {
        run.bestValAccuracy = val;
      }
    }
    stored.fire(new MetricEvents(run.id, view(point)));
    if (MetricKind.EPOCH.equals(report.kind())) {
      changed.fire(new RunEvents.Changed(runs.view(run)));
    }
    return Outcome.STORED;
  }

  /** Points of a run with a sequence number above {@code afterSeq}, in order. */
  @Transactional
  public List<MetricView> list(long runId, long afterSeq) {
    return MetricPoint.<MetricPoint>list("runId = ?1 and seq > ?2", Sort.ascending("seq"), runId, afterSeq)
        .stream().map(this::view).toList();
  }

  /** The next sequence number an agent should use for a run. */
  @Transactional
  public long nextSeq(long runId) {
    Long max = MetricPoint.getEntityManager()
        .createQuery("select max(m.seq) from MetricPoint m where m.runId = :run", Long.class)
        .setParameter("run", runId).getSingleResult();
    return max == null ? 0 : max + 1;
  }

  MetricView view(MetricPoint p) {
    try {
      Map<String, Double> values = json.readValue(p.values, VALUES);
      return new MetricView(p.seq, p.kind, p.epoch, p.step, values, p.reportedAt.toEpochMilli());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt metric point " + p.id, e);
    }
  }

  private String write(Map<String, Double> values) {
    try {
      return json.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
