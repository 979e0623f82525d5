package io.kiln.backend.common;

import jakarta.persistence.OptimisticLockException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.hibernate.StaleStateException;

/**
 * Retries a transaction that lost an optimistic-locking race. A run row is written by the agent's
 * reports, the lease sweeper and users at once; the loser of such a race simply runs again on the
 * fresh row instead of failing a request.
 */
public final class Conflicts {
  private static final int ATTEMPTS = 5;

  private Conflicts() {}

  /**
   * Runs {@code transaction} (which must open its own transaction) until it commits without a
   * conflict.
   */
  public static <T> T retry(Supplier<T> transaction) {
    for (int attempt = 1; ; attempt++) {
      try {
        return transaction.get();
      } catch (RuntimeException e) {
        if (attempt >= ATTEMPTS || !isConflict(e)) {
          throw e;
        }
        pause(attempt);
      }
    }
  }

  public static void retry(Runnable transaction) {
    retry(
        () -> {
          transaction.run();
          return null;
        });
  }

  static boolean isConflict(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof OptimisticLockException || t instanceof StaleStateException) {
        return true;
      }
      for (Throwable suppressed : t.getSuppressed()) {
        if (isConflict(suppressed)) {
          return true;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  private static void pause(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * attempt));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
