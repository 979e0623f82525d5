package io.kiln.agent.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** The training pass's sums kept on the device, read once per report (issue 16). */
class TallyTest {
  @Test
  void sumsStepsAndWindowsAsTheLoopReadsThem() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        Tally tally = new Tally(manager, Device.cpu())) {
      // Two data-parallel shards of one step of 8 images: each adds its half of the mean loss.
      tally.add(manager.create(0.5f), manager.create(new boolean[] {true, true, false}).sum(), 8);
      tally.add(manager.create(0.25f), manager.create(new boolean[] {true}).sum(), 8);
      tally.add(manager.create(1.0f), manager.create(3L), 8);
      assertEquals(0.875f, tally.windowLoss(2), 1e-6, "(0.75 + 1.0) / 2 steps");
      tally.newWindow();
      tally.add(manager.create(2.0f), manager.create(0L), 8);
      assertEquals(2.0f, tally.windowLoss(1), 1e-6);
      assertEquals((0.75 + 1.0 + 2.0) * 8, tally.epochLoss(), 1e-4);
      assertEquals(6, tally.epochCorrect());
    }
  }

  @Test
  void aNonFiniteStepShowsInItsWindowAndTheEpoch() {
    try (NDManager manager = NDManager.newBaseManager(Device.cpu());
        Tally tally = new Tally(manager, Device.cpu())) {
      tally.add(manager.create(1.0f), manager.create(1L), 4);
      tally.add(manager.create(Float.NaN), manager.create(0L), 4);
      tally.add(manager.create(1.0f), manager.create(1L), 4);
      assertTrue(Float.isNaN(tally.windowLoss(3)));
      tally.newWindow();
      assertEquals(0f, tally.windowLoss(1), "a new window starts clean");
      assertTrue(Double.isNaN(tally.epochLoss()));
    }
  }
}
