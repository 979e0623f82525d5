package io.kiln.backend.metrics;

import java.util.Map;

/** A metric point as the REST API and the live socket show it; {@code at} is epoch milliseconds. */
public record MetricView(
    long seq, String kind, int epoch, long step, Map<String, Double> values, long at) {}
