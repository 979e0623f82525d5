package io.kiln.backend.metrics;

/** Fired inside the ingesting transaction, observed after commit to push points to viewers. */
public record MetricEvents(long runId, MetricView point) {}
