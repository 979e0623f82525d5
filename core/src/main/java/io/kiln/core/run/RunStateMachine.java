package io.kiln.core.run;

import static io.kiln.core.run.RunState.ASSIGNED;
import static io.kiln.core.run.RunState.CANCELLED;
import static io.kiln.core.run.RunState.CANCELLING;
import static io.kiln.core.run.RunState.FAILED;
import static io.kiln.core.run.RunState.QUEUED;
import static io.kiln.core.run.RunState.RUNNING;
import static io.kiln.core.run.RunState.SUCCEEDED;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The explicit transition table of a run.
 *
 * <p>ASSIGNED/RUNNING back to QUEUED is the requeue path for a lost lease; the first version fails
 * such runs instead, but the table already allows the move so resume-on-another-agent only adds a
 * policy, not a new state.
 */
public final class RunStateMachine {
  private static final Map<RunState, EnumSet<RunState>> TABLE = new EnumMap<>(RunState.class);

  static {
    TABLE.put(QUEUED, EnumSet.of(ASSIGNED, CANCELLED, FAILED));
    TABLE.put(ASSIGNED, EnumSet.of(RUNNING, QUEUED, CANCELLING, SUCCEEDED, FAILED, CANCELLED));
    TABLE.put(RUNNING, EnumSet.of(QUEUED, CANCELLING, SUCCEEDED, FAILED, CANCELLED));
    TABLE.put(CANCELLING, EnumSet.of(CANCELLED, SUCCEEDED, FAILED));
    TABLE.put(SUCCEEDED, EnumSet.noneOf(RunState.class));
    TABLE.put(FAILED, EnumSet.noneOf(RunState.class));
    TABLE.put(CANCELLED, EnumSet.noneOf(RunState.class));
  }

  private RunStateMachine() {}

  public static boolean allowed(RunState from, RunState to) {
    return TABLE.get(from).contains(to);
  }

  /** Returns {@code to} when the move is legal, else throws {@link IllegalTransitionException}. */
  public static RunState transition(RunState from, RunState to) {
    if (!allowed(from, to)) {
      throw new IllegalTransitionException(from, to);
    }
    return to;
  }

  public static Set<RunState> next(RunState from) {
    return EnumSet.copyOf(TABLE.get(from));
  }
}
