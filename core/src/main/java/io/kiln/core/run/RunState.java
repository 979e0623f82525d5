package io.kiln.core.run;

/** The lifecycle of a training run; {@link RunStateMachine} says which moves are legal. */
public enum RunState {
  /** Waiting for an agent to claim it. */
  QUEUED,
  /** Claimed by an agent under a lease; the agent is fetching data and building the model. */
  ASSIGNED,
  /** The agent reported the first step of training. */
  RUNNING,
  /** A user asked to stop; the agent has not confirmed yet. */
  CANCELLING,
  SUCCEEDED,
  FAILED,
  CANCELLED;

  public boolean terminal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }

  /** True while an agent holds a lease on the run. */
  public boolean leased() {
    return this == ASSIGNED || this == RUNNING || this == CANCELLING;
  }
}
