package io.kiln.core.run;

import static io.kiln.core.run.RunState.ASSIGNED;
import static io.kiln.core.run.RunState.CANCELLED;
import static io.kiln.core.run.RunState.CANCELLING;
import static io.kiln.core.run.RunState.FAILED;
import static io.kiln.core.run.RunState.QUEUED;
import static io.kiln.core.run.RunState.RUNNING;
import static io.kiln.core.run.RunState.SUCCEEDED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Checks every ordered pair of states against the intended table, so a changed edge fails loudly.
 */
class RunStateMachineTest {
  private static final Map<RunState, Set<RunState>> EXPECTED =
      Map.of(
          QUEUED, EnumSet.of(ASSIGNED, CANCELLED, FAILED),
          ASSIGNED, EnumSet.of(RUNNING, QUEUED, CANCELLING, SUCCEEDED, FAILED, CANCELLED),
          RUNNING, EnumSet.of(QUEUED, CANCELLING, SUCCEEDED, FAILED, CANCELLED),
          CANCELLING, EnumSet.of(CANCELLED, SUCCEEDED, FAILED),
          SUCCEEDED, EnumSet.noneOf(RunState.class),
          FAILED, EnumSet.noneOf(RunState.class),
          CANCELLED, EnumSet.noneOf(RunState.class));

  @Test
  void everyPairMatchesTheTable() {
    int checked = 0;
    for (RunState from : RunState.values()) {
      for (RunState to : RunState.values()) {
        boolean expected = EXPECTED.get(from).contains(to);
        assertEquals(expected, RunStateMachine.allowed(from, to), from + " -> " + to);
        if (expected) {
          assertEquals(to, RunStateMachine.transition(from, to));
        } else {
          IllegalTransitionException e =
              assertThrows(
                  IllegalTransitionException.class, () -> RunStateMachine.transition(from, to));
          assertEquals(from, e.from());
          assertEquals(to, e.to());
        }
        checked++;
      }
    }
    assertEquals(49, checked);
  }

  @Test
  void terminalStatesHaveNoWayOut() {
    for (RunState s : RunState.values()) {
      assertEquals(s.terminal(), RunStateMachine.next(s).isEmpty(), s.name());
    }
  }

  @Test
  void leasedStatesAreTheOnesAnAgentWorksOn() {
    assertEquals(
        EnumSet.of(ASSIGNED, RUNNING, CANCELLING),
        EnumSet.copyOf(
            java.util.Arrays.stream(RunState.values()).filter(RunState::leased).toList()));
  }

  @Test
  void errorMessageNamesBothStates() {
    IllegalTransitionException e =
        assertThrows(
            IllegalTransitionException.class, () -> RunStateMachine.transition(SUCCEEDED, RUNNING));
    assertTrue(
        e.getMessage().contains("succeeded") && e.getMessage().contains("running"), e.getMessage());
  }
}
