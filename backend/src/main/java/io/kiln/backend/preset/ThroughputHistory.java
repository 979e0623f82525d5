package io.kiln.backend.preset;

import java.util.Optional;

/**
 * Where the estimate finds measured speeds: earlier successful runs of the same network and image
 * size. Implemented by the metrics feature, which owns the measurements; an interface here so that
 * presets need not know runs (runs are launched from presets, not the other way round).
 */
public interface ThroughputHistory {
  /** A speed measured by one run. */
  record Measured(long runId, double imagesPerSecond) {}

  /** The latest measured speed, on {@code agentId} when given, else on any agent. */
  Optional<Measured> latest(String architecture, int inputSize, Long agentId);
}
