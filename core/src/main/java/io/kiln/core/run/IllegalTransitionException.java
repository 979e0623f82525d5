package io.kiln.core.run;

/** A run was asked to move between two states the transition table does not connect. */
public class IllegalTransitionException extends RuntimeException {
  private final RunState from;
  private final RunState to;

  public IllegalTransitionException(RunState from, RunState to) {
    super(
        "a run that is " + from.name().toLowerCase() + " cannot become " + to.name().toLowerCase());
    this.from = from;
    this.to = to;
  }

  public RunState from() {
    return from;
  }

  public RunState to() {
    return to;
  }
}
