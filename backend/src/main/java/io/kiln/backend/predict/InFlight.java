package io.kiln.backend.predict;

import java.util.concurrent.ConcurrentHashMap;

/**
 * How many prediction requests each caller has in progress. One over the limit is refused rather
 * than queued, so one caller's burst holds no threads and cannot take every core from the others
 * (issue 30). Callers with nothing in progress are not kept.
 */
final class InFlight {
  private final int perCaller;
  private final ConcurrentHashMap<String, Integer> counts = new ConcurrentHashMap<>();

  InFlight(int perCaller) {
    this.perCaller = Math.max(1, perCaller);
  }

  int perCaller() {
    return perCaller;
  }

  /** Counts a request in when {@code caller} has room; false when it has none. */
  boolean enter(String caller) {
    boolean[] entered = {false};
    counts.compute(
        caller,
        (k, n) -> {
          int now = n == null ? 0 : n;
          if (now >= perCaller) {
            return n;
          }
          entered[0] = true;
          return now + 1;
        });
    return entered[0];
  }

  /** Counts an entered request out when closed. */
  Slot slot(String caller) {
    return new Slot(caller);
  }

  final class Slot implements AutoCloseable {
    private final String caller;

    private Slot(String caller) {
      this.caller = caller;
    }

    @Override
    public void close() {
      counts.computeIfPresent(caller, (k, n) -> n <= 1 ? null : n - 1);
    }
  }
}
