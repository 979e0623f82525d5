package io.kiln.backend.metrics;

import java.util.List;

/**
 * One stored point, fired inside the ingesting transaction (the advisor observes it after commit).
 */
public record MetricEvents(long runId, MetricView point) {
  /**
   * Every point a transaction stored, in the order reported, fired once after the single points:
   * observers after commit see them in order (the transaction manager does not promise to call one
   * event's observers per point in the order they were fired).
   */
  public record Stored(List<MetricEvents> points) {}
}
