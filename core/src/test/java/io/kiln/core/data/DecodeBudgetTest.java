package io.kiln.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shared decode budget: never over-spent, never two growing leases waiting on each other. */
class DecodeBudgetTest {
  private static final long MIB = 1L << 20;

  @Test
  void twoLeasesGrowingPastWhatIsLeftDoNotWaitOnEachOther() throws Exception {
    DecodeBudget budget = new DecodeBudget(8 * MIB);
    CountDownLatch bothHold = new CountDownLatch(2);
    Runnable grow =
        () -> {
          try (DecodeBudget.Lease lease = budget.take(4 * MIB, Duration.ZERO)) {
            bothHold.countDown();
            bothHold.await();
            lease.growTo(6 * MIB, Duration.ofSeconds(20));
            assertTrue(budget.available() <= 2 * MIB, "never more than the budget out");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    CompletableFuture<Void> a = CompletableFuture.runAsync(grow);
    CompletableFuture<Void> b = CompletableFuture.runAsync(grow);
    CompletableFuture.allOf(a, b).get(30, TimeUnit.SECONDS);
    assertEquals(8 * MIB, budget.available(), "everything given back");
  }

  @Test
  void moreThanTheWholeBudgetIsRefusedAtOnceAndAFullBudgetSaysBusy() throws Exception {
    DecodeBudget budget = new DecodeBudget(8 * MIB);
    assertThrows(DecodeBudget.TooLargeException.class, () -> budget.take(9 * MIB, Duration.ZERO));
    try (DecodeBudget.Lease all = budget.take(8 * MIB, Duration.ZERO)) {
      assertThrows(DecodeBudget.BusyException.class, () -> budget.take(MIB, Duration.ofMillis(20)));
    }
    budget.take(MIB, Duration.ZERO).close();
    assertEquals(8 * MIB, budget.available());
  }

  @Test
  void heavyDecodesTakeOneOfTheirFewLanesAndLightOnesNever() throws Exception {
    DecodeBudget budget = new DecodeBudget(8 * MIB, 1);
    try (DecodeBudget.Lease first = budget.lease();
        DecodeBudget.Lease second = budget.lease();
        DecodeBudget.Lane heavy = first.lane(DecodeBudget.HEAVY_PIXELS, Duration.ZERO)) {
      assertThrows(
          DecodeBudget.BusyException.class,
          () -> second.lane(49_000_000, Duration.ofMillis(20)),
          "the only heavy lane is taken");
      second.lane(28 * 28, Duration.ZERO).close();
    }
    try (DecodeBudget.Lease again = budget.lease()) {
      again.lane(49_000_000, Duration.ZERO).close();
    }
  }
}
