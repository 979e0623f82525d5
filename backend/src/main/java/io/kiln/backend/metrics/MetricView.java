package io.kiln.backend.metrics;

import io.kiln.core.protocol.AgentMessage.MetricReport;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A metric point as the REST API and the live socket show it; {@code at} is epoch milliseconds. */
public record MetricView(
    long seq,
    @Schema(enumeration = {"step", "epoch"}) String kind,
    int epoch,
    long step,
    Map<String, Double> values,
    long at) {

  /** The point an agent reported, as viewers see it (its values in the order reported). */
  public static MetricView of(MetricReport report) {
    return new MetricView(
        report.seq(),
        report.kind(),
        report.epoch(),
        report.step(),
        new LinkedHashMap<>(report.values()),
        report.timestampMillis());
  }
}
