package io.kiln.backend.predict;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How many pixels each caller (an API key, or a person) may have decoded: a bucket of {@code
 * perMinute} pixels that refills at that rate. Each decoded image takes its header's pixels (the
 * bucket may go below zero by one image); a caller whose bucket is below zero waits until it is
 * not. So a caller's cost is counted in the work it causes (pixels), not in the bytes it sends.
 * Bounded: the callers not seen for longest are forgotten first. Pure logic on the instants it is
 * given.
 */
final class PixelAllowance {
  private static final int MAX_CALLERS = 10_000;
  private final double perMinute;
  private final Map<String, Bucket> buckets =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
          return size() > MAX_CALLERS;
        }
      };

  private record Bucket(double level, Instant at) {}

  PixelAllowance(long perMinute) {
    this.perMinute = Math.max(1, perMinute);
  }

  /** How long {@code caller} must wait before its next decode (zero when it may go on now). */
  synchronized Duration wait(String caller, Instant now) {
    double level = level(caller, now);
    if (level >= 0) {
      return Duration.ZERO;
    }
    return Duration.ofMillis((long) Math.ceil(-level / perMinute * 60_000));
  }

  /** Takes {@code pixels} from {@code caller}'s bucket. */
  synchronized void charge(String caller, long pixels, Instant now) {
    buckets.put(caller, new Bucket(level(caller, now) - pixels, now));
  }

  private double level(String caller, Instant now) {
    Bucket bucket = buckets.get(caller);
    if (bucket == null) {
      return perMinute;
    }
    double refill = Math.max(0, Duration.between(bucket.at(), now).toMillis()) / 60_000.0;
    return Math.min(perMinute, bucket.level() + refill * perMinute);
  }

  long perMinute() {
    return (long) perMinute;
  }
}
