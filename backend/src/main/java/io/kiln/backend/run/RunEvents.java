package io.kiln.backend.run;

/** CDI events fired inside a run's transaction and observed after it commits. */
public final class RunEvents {
  private RunEvents() {}

  /** The run's state or progress changed. */
  public record Changed(RunView run) {}

  /** A run is waiting for an agent. */
  public record Queued(long runId) {}

  /** The agent holding this run must stop it. */
  public record CancelRequested(long runId, long agentId) {}
}
