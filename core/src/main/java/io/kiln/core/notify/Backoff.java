package io.kiln.core.notify;

/**
 * When a delivery that failed is tried again: {@code first} seconds after the first failure,
 * doubling with each further one, at most an hour apart.
 */
public final class Backoff {
  public static final long MAX_SECONDS = 3600;

  private Backoff() {}

  /**
   * @param failures how many tries have failed so far (1 after the first)
   */
  public static long secondsAfter(int failures, long first) {
    if (failures < 1) {
      return 0;
    }
    int doublings = Math.min(failures - 1, 30);
    return Math.min(MAX_SECONDS, first << doublings);
  }
}
