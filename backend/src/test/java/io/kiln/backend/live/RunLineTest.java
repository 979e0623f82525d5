package io.kiln.backend.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a point may go out on arrival, and that each goes out once. */
class RunLineTest {
  @Test
  void anArrivalGoesOutOnlyWhenItExtendsThePublishedPointsWithoutAGap() {
    RunLine line = new RunLine();
    assertFalse(line.takesArrival(1), "seq 0 (the run's start) was never published");
    assertTrue(line.claim(1, "one"), "the commit publishes it");
    assertTrue(line.takesArrival(2));
    assertFalse(line.takesArrival(3), "point 2 is missing: 3 waits for its commit");
    assertTrue(line.claim(2, "two"));
    assertFalse(line.claim(2, "two"), "its commit does not send it again");
    assertFalse(line.claim(1, "one"), "nor an older point");
  }

  @Test
  void aRunThatLosesItsLeaseWaitsForCommitsAndStartsAfresh() {
    RunLine line = new RunLine();
    line.claim(4, "four");
    line.state(false);
    assertFalse(line.takesArrival(5), "cancelling or requeued: arrivals wait for their commit");
    assertTrue(line.recent().isEmpty());
    line.state(true);
    assertTrue(line.claim(9, "nine"), "the next attempt's points go out");
    assertTrue(line.takesArrival(10));
  }

  @Test
  void arrivalsPauseWhileAllKeptTextsWaitForTheirCommit() {
    RunLine line = new RunLine();
    line.committed(0);
    line.claim(0, "p0");
    for (int seq = 1; seq <= RunLine.RECENT; seq++) {
      assertTrue(line.takesArrival(seq));
      line.claim(seq, "p" + seq);
    }
    assertFalse(
        line.takesArrival(RunLine.RECENT + 1),
        "one more would push an uncommitted point out of what joiners are given");
    line.committed(1);
    assertTrue(line.takesArrival(RunLine.RECENT + 1));
  }

  @Test
  void keepsOnlyTheLatestTextsForJoiners() {
    RunLine line = new RunLine();
    for (int seq = 0; seq < RunLine.RECENT + 10; seq++) {
      line.claim(seq, "p" + seq);
    }
    assertEquals(RunLine.RECENT, line.recent().size());
    assertEquals(10, line.recent().get(0).seq());
  }
}
