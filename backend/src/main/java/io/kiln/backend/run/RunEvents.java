package io.kiln.backend.run;

/** CDI events fired inside a run's transaction and observed after it commits. */
public final class RunEvents {
  private RunEvents() {}

  /** The run's state or progress changed. */
  public record Changed(RunView run) {}

  /** A run is waiting for an agent. */
  public record Queued(long runId) {}

  /**
   * The run goes back to epoch {@code keepThroughEpoch} (its last checkpoint) to be resumed: the
   * points of later epochs, reported by an attempt that did not finish them, are dropped. Observed
   * inside the run's transaction.
   */
  public record Rewound(long runId, int keepThroughEpoch) {}

  /** Someone asked the team's leads to review the ended run; observed inside its transaction. */
  public record ReviewRequested(long runId) {}

  /** A lead approved or rejected the run; observed inside its transaction. */
  public record Reviewed(long runId) {}

  /** The agent holding this run must stop it. */
  public record CancelRequested(long runId, long agentId) {}
}
