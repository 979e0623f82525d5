package io.kiln.backend.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed logins per key (a username, or a client address): the first {@code freeFailures} cost
 * nothing, then each further failure doubles the wait, from the first one (1 s by default) up to 15
 * min. A success clears the key. Bounded: the keys not seen for longest are forgotten first, so a
 * flood of made-up names cannot fill the memory. Pure logic on the instants it is given, tested
 * without a clock.
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

  synchronized void failed(String key, Instant now) {
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
