package io.kiln.core.advisor;

/**
 * The autopilot's next move once a run of its series has finished: a greedy climb that steps back.
 * A run that beat its parent becomes the one to improve on; a run that did not is dropped, and the
 * parent's next suggestion is tried instead (its advice read again with the failed change in its
 * lineage, {@link Lineage}), until the budget of follow-up runs is spent or no suggestion is left.
 * The backend's autopilot and bench/advice-efficacy's autopilot both follow it.
 */
public final class Climb {
  /** What to do next. */
  public enum Move {
    /** Apply the finished run's first open suggestion. */
    EXTEND,
    /** The finished run did not help: apply its parent's next open suggestion. */
    BACK_TO_PARENT,
    /** No follow-up run is left in the budget. */
    STOP_BUDGET,
    /** Kiln has nothing more to suggest where the series stands. */
    STOP_NOTHING_LEFT
  }

  /**
   * @param move the move
   * @param improved whether the finished run beat its parent (a series' first run counts as
   *     improved: it is the best so far)
   */
  public record Decision(Move move, boolean improved) {}

  private Climb() {}

  /**
   * @param finished the finished run's best validation accuracy (NaN when it has none)
   * @param parent its parent's, or NaN when the finished run started the series
   * @param startsSeries true for the run the person launched with the autopilot on
   * @param followUpsLeft follow-up runs still allowed after the finished run
   * @param finishedHasOpen whether the finished run has a suggestion not yet applied
   * @param parentHasOpen whether its parent has one
   */
  public static Decision next(
      double finished,
      double parent,
      boolean startsSeries,
      int followUpsLeft,
      boolean finishedHasOpen,
      boolean parentHasOpen) {
    boolean improved = startsSeries || beats(finished, parent);
    if (followUpsLeft <= 0) {
      return new Decision(Move.STOP_BUDGET, improved);
    }
    if (improved) {
      return new Decision(finishedHasOpen ? Move.EXTEND : Move.STOP_NOTHING_LEFT, true);
    }
    return new Decision(parentHasOpen ? Move.BACK_TO_PARENT : Move.STOP_NOTHING_LEFT, false);
  }

  /**
   * Whether a finished run beat its parent: it has a score and the parent has none (it failed or
   * never finished an epoch) or a lower one.
   */
  public static boolean beats(double finished, double parent) {
    return !Double.isNaN(finished) && !(finished <= parent);
  }
}
