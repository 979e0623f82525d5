package io.kiln.backend.agent;

import io.kiln.backend.metrics.MetricService;
import io.kiln.backend.metrics.MetricView;
import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunLeases;
import io.kiln.backend.run.RunReports;
import io.kiln.core.protocol.AgentMessage.MetricReport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A metric report from an agent, in one transaction: the lease is checked, the point stored once,
 * and the run's progress moved forward. Here, where the conversation is, so that neither the
 * metrics nor the run feature needs the other.
 */
@ApplicationScoped
class MetricIntake {
  /** What became of a report. */
  enum Outcome {
    STORED,
    DUPLICATE,
    NOT_HELD
  }

  private final RunLeases leases;
  private final RunReports reports;
  private final MetricService metrics;

  MetricIntake(RunLeases leases, RunReports reports, MetricService metrics) {
    this.leases = leases;
    this.reports = reports;
    this.metrics = metrics;
  }

  /**
   * Reports that arrived together, in one transaction: each run's lease is checked once, the new
   * points are stored with one batch insert and move their run's progress forward; outcomes in
   * order.
   */
  @Transactional
  List<Outcome> ingestAll(long agentId, List<MetricReport> reports) {
    Map<Long, Optional<Run>> held = new HashMap<>();
    List<MetricReport> mine = new ArrayList<>();
    for (MetricReport r : reports) {
      if (held.computeIfAbsent(r.runId(), id -> leases.held(agentId, id)).isPresent()) {
        mine.add(r);
      }
    }
    List<Optional<MetricView>> stored = metrics.storeAll(mine);
    List<Outcome> outcomes = new ArrayList<>();
    int next = 0;
    for (MetricReport r : reports) {
      Optional<Run> run = held.get(r.runId());
      if (run.isEmpty()) {
        outcomes.add(Outcome.NOT_HELD);
      } else if (stored.get(next++).isEmpty()) {
        outcomes.add(Outcome.DUPLICATE);
      } else {
        this.reports.progressed(run.get(), r);
        outcomes.add(Outcome.STORED);
      }
    }
    return outcomes;
  }
}
