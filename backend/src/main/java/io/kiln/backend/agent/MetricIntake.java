package io.kiln.backend.agent;

import io.kiln.backend.metrics.MetricService;
import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunLeases;
import io.kiln.backend.run.RunReports;
import io.kiln.core.protocol.AgentMessage.MetricReport;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
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

  /** Several reports in one transaction, each as {@link #ingest} would; outcomes in order. */
  @Transactional
  List<Outcome> ingestAll(long agentId, List<MetricReport> reports) {
    return reports.stream().map(r -> ingest(agentId, r)).toList();
  }

  @Transactional
  Outcome ingest(long agentId, MetricReport report) {
    Optional<Run> run = leases.held(agentId, report.runId());
    if (run.isEmpty()) {
      return Outcome.NOT_HELD;
    }
    if (metrics.store(report).isEmpty()) {
      return Outcome.DUPLICATE;
    }
    reports.progressed(run.get(), report);
    return Outcome.STORED;
  }
}
