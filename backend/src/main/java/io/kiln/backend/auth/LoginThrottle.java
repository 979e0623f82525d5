package io.kiln.backend.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed logins per key (a name at an address, a name, a person changing their password): the first
 * {@code freeFailures} cost nothing, then each further failure doubles the wait, from the first one
 * (1 s by default) up to 15 min. A success clears the key. An {@link #attempt} counts as a failure
 * before its password is checked, in one step with the check of the wait, so simultaneous attempts
 * cannot all slip through before the first failure is counted. Bounded: the keys not seen for
 * longest are forgotten first, so a flood of made-up names cannot fill the memory. Pure logic on
 * the instants it is given, tested without a clock.
 */
final class LoginThrottle {
  static final Duration LONGEST = Duration.ofMinutes(15);
  private static final int MAX_KEYS = 100_000;
  private final int freeFailures;
  private final Duration first;
  private final Map<String, State> keys =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, State> eldest) {
          return size() > MAX_KEYS;
        }
      };

  private record State(int failures, Instant until) {}

  LoginThrottle(int freeFailures, Duration first) {
    this.freeFailures = freeFailures;
    this.first = first;
  }

  /** How long {@code key} must still wait before its next attempt (zero when it may try now). */
  synchronized Duration wait(String key, Instant now) {
    State state = keys.get(key);
    if (state == null || state.until() == null || !state.until().isAfter(now)) {
      return Duration.ZERO;
    }
    return Duration.between(now, state.until());
  }

  /** A key and how many failures it has free. */
  record Key(String id, int freeFailures) {}

  /**
   * One attempt for all of {@code keys}: the longest wait any of them still has (the attempt is
   * then not made), or zero, and the attempt is counted as a failure of each until {@link
   * #succeeded} clears them.
   */
  synchronized Duration attempt(Instant now, Key... keys) {
    Duration longest = Duration.ZERO;
    for (Key key : keys) {
      Duration wait = wait(key.id(), now);
      longest = wait.compareTo(longest) > 0 ? wait : longest;
    }
    if (longest.isZero()) {
      for (Key key : keys) {
        failed(key.id(), key.freeFailures(), now);
      }
    }
    return longest;
  }

  synchronized void succeeded(Key... keys) {
    for (Key key : keys) {
      this.keys.remove(key.id());
    }
  }

  synchronized void failed(String key, Instant now) {
    failed(key, freeFailures, now);
  }

  private void failed(String key, int freeFailures, Instant now) {
    State state = keys.get(key);
    int failures = state == null ? 1 : state.failures() + 1;
    Instant until = null;
    if (failures > freeFailures) {
      int doublings = Math.min(failures - freeFailures - 1, 20);
      Duration wait = first.multipliedBy(1L << doublings);
      until = now.plus(wait.compareTo(LONGEST) > 0 ? LONGEST : wait);
    }
    keys.put(key, new State(failures, until));
  }

  synchronized void succeeded(String key) {
    keys.remove(key);
  }
}
