package io.kiln.backend.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The back-off after failed logins, on given instants (no clock, no sleeping). */
class LoginThrottleTest {
  private static final Instant T0 = Instant.parse("2026-11-29T12:00:00Z");

  @Test
  void freeFailuresCostNothingThenEachFailureDoublesTheWaitUpToFifteenMinutes() {
    LoginThrottle throttle = new LoginThrottle(5, Duration.ofSeconds(1));
    for (int i = 0; i < 5; i++) {
      throttle.failed("ann", T0);
      assertEquals(Duration.ZERO, throttle.wait("ann", T0), "failure " + (i + 1) + " is free");
    }
    throttle.failed("ann", T0);
    assertEquals(Duration.ofSeconds(1), throttle.wait("ann", T0));
    throttle.failed("ann", T0);
    assertEquals(Duration.ofSeconds(2), throttle.wait("ann", T0));
    throttle.failed("ann", T0);
    assertEquals(Duration.ofSeconds(4), throttle.wait("ann", T0));
    assertEquals(
        Duration.ofSeconds(1), throttle.wait("ann", T0.plusSeconds(3)), "the wait runs out");
    assertEquals(Duration.ZERO, throttle.wait("ann", T0.plusSeconds(4)));
    for (int i = 0; i < 30; i++) {
      throttle.failed("ann", T0);
    }
    assertEquals(LoginThrottle.LONGEST, throttle.wait("ann", T0), "never more than 15 minutes");
  }

  @Test
  void keysAreIndependentAndASuccessClearsOne() {
    LoginThrottle throttle = new LoginThrottle(1, Duration.ofSeconds(1));
    throttle.failed("ann", T0);
    throttle.failed("ann", T0);
    assertEquals(Duration.ofSeconds(1), throttle.wait("ann", T0));
    assertEquals(Duration.ZERO, throttle.wait("bob", T0), "another name is not slowed");
    throttle.succeeded("ann");
    assertEquals(Duration.ZERO, throttle.wait("ann", T0));
    throttle.failed("ann", T0);
    assertEquals(Duration.ZERO, throttle.wait("ann", T0), "the count starts again");
  }
}
