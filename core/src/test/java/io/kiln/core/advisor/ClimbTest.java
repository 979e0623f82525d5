package io.kiln.core.advisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiln.core.advisor.Climb.Move;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The autopilot climbs: better runs are built on, a change that did not help is stepped back from.
 */
class ClimbTest {
  @ParameterizedTest(name = "{0} after {1} (first {2}, {3} left, open {4}/{5}) -> {6}")
  @CsvSource({
    // finished, parent, startsSeries, left, finishedHasOpen, parentHasOpen -> move, improved
    "0.60, NaN, true, 4, true, false, EXTEND, true",
    "0.60, NaN, true, 4, false, false, STOP_NOTHING_LEFT, true",
    "0.70, 0.60, false, 3, true, true, EXTEND, true",
    "0.60, 0.60, false, 3, true, true, BACK_TO_PARENT, false",
    "0.55, 0.60, false, 3, true, false, STOP_NOTHING_LEFT, false",
    "0.70, 0.60, false, 3, false, true, STOP_NOTHING_LEFT, true",
    "0.70, 0.60, false, 0, true, true, STOP_BUDGET, true",
    "0.50, 0.60, false, 0, true, true, STOP_BUDGET, false",
    "NaN, 0.60, false, 2, true, true, BACK_TO_PARENT, false",
    "0.40, NaN, false, 2, true, true, EXTEND, true"
  })
  void decides(
      double finished,
      double parent,
      boolean first,
      int left,
      boolean finishedOpen,
      boolean parentOpen,
      Move move,
      boolean improved) {
    assertEquals(
        new Climb.Decision(move, improved),
        Climb.next(finished, parent, first, left, finishedOpen, parentOpen));
  }
}
