package io.kiln.backend.metrics;

import io.kiln.core.protocol.AgentMessage.MetricReport;

/**
 * A valid metric report from the agent that holds its run, as it arrives, before it is stored
 * (fired on the socket's event loop): viewers may see it at once. {@link MetricEvents} follows once
 * it is committed.
 */
public record MetricArrived(long runId, MetricView point) {
  public static MetricArrived of(MetricReport report) {
    return new MetricArrived(report.runId(), MetricView.of(report));
  }
}
