package io.kiln.core.advisor;

import java.util.Optional;

/**
 * One diagnosis rule of docs/training-tricks.md (A1-A9): reads a run, says what to change if it
 * fires.
 */
public interface Rule {
  String id();

  Optional<Suggestion> evaluate(RunHistory history, RunContext context, Thresholds thresholds);
}
