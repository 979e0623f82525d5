package io.kiln.backend.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import jakarta.persistence.OptimisticLockException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Plain unit test: the retry policy needs no running application. */
class ConflictsTest {
  @Test
  void retriesAWrappedOptimisticLockFailureUntilItCommits() {
    AtomicInteger attempts = new AtomicInteger();
    String result =
        Conflicts.retry(
            () -> {
              if (attempts.incrementAndGet() < 3) {
                RuntimeException wrapper = new RuntimeException("commit failed");
                wrapper.addSuppressed(new OptimisticLockException("row changed"));
                throw wrapper;
              }
              return "committed";
            });
    assertEquals("committed", result);
    assertEquals(3, attempts.get());
  }

  @Test
  void otherErrorsAreNotRetried() {
    AtomicInteger attempts = new AtomicInteger();
    IllegalStateException boom = new IllegalStateException("boom");
    assertSame(
        boom,
        assertThrows(
            IllegalStateException.class,
            () ->
                Conflicts.retry(
                    () -> {
                      attempts.incrementAndGet();
                      throw boom;
                    })));
    assertEquals(1, attempts.get());
  }

  @Test
  void givesUpAfterFiveConflicts() {
    AtomicInteger attempts = new AtomicInteger();
    assertThrows(
        RuntimeException.class,
        () ->
            Conflicts.retry(
                () -> {
                  attempts.incrementAndGet();
                  throw new RuntimeException(new OptimisticLockException("always"));
                }));
    assertEquals(5, attempts.get());
  }
}
