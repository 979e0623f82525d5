package io.kiln.core.run;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What becomes of a run whose attempt failed. Infrastructure failures go back to the queue until
 * the attempt limit; an out-of-memory failure is retried once with half the batch and the learning
 * rate scaled with it (linear scaling rule, T8); a recipe or data error fails at once, because a
 * retry would fail the same way.
 */
public final class RetryPolicy {
  /** The smallest batch an out-of-memory retry halves to; below it the run fails. */
  public static final int MIN_BATCH = 2;

  private RetryPolicy() {}

  /** What to do next. */
  public enum Action {
    /** Back to the queue unchanged; the next agent resumes from the last checkpoint. */
    REQUEUE,
    /** Back to the queue with {@link Decision#recipe()} (half the batch), from the start. */
    RETRY_SMALLER,
    FAIL
  }

  /**
   * @param recipe the recipe to run next time (RETRY_SMALLER only)
   * @param explanation in plain words, for the run page
   */
  public record Decision(Action action, Map<String, Object> recipe, String explanation) {}

  /**
   * @param attempts attempts made so far, the failed one included
   * @param maxAttempts the retry limit (kiln.runs.max-attempts)
   * @param shrunkBefore whether an out-of-memory retry was already made for this run
   * @param recipe the flat recipe map of the failed attempt
   */
  public static Decision decide(
      FailureClass failure,
      String reason,
      int attempts,
      int maxAttempts,
      boolean shrunkBefore,
      Map<String, Object> recipe) {
    switch (failure) {
      case RECIPE:
        return fail(reason);
      case OUT_OF_MEMORY:
        return smaller(reason, shrunkBefore, recipe);
      default:
        if (attempts >= maxAttempts) {
          return fail(
              reason
                  + " (gave up after "
                  + attempts
                  + " attempt"
                  + (attempts == 1 ? "" : "s")
                  + ")");
        }
        return new Decision(
            Action.REQUEUE,
            null,
            reason + "; back in the queue (attempt " + (attempts + 1) + " of " + maxAttempts + ")");
    }
  }

  private static Decision smaller(String reason, boolean shrunkBefore, Map<String, Object> recipe) {
    int batch = ((Number) recipe.getOrDefault("batchSize", 64)).intValue();
    if (shrunkBefore || batch / 2 < MIN_BATCH) {
      return fail(
          reason
              + ". The model does not fit in the device's memory even with batch "
              + batch
              + ": choose a smaller input size or a smaller architecture");
    }
    Map<String, Object> next = new LinkedHashMap<>(recipe);
    int half = batch / 2;
    next.put("batchSize", half);
    double lr = ((Number) recipe.getOrDefault("learningRate", 0.05)).doubleValue();
    boolean linear = "linear".equals(recipe.get("lrScaling"));
    // With linear scaling the recipe's rate is per 256 images and already follows the batch.
    double nextLr = linear ? lr : lr / 2;
    next.put("learningRate", nextLr);
    return new Decision(
        Action.RETRY_SMALLER,
        next,
        String.format(
            "out of memory with batch %d (%s); retried from the start with batch %d and learning"
                + " rate %s (linear scaling rule, T8)",
            batch, reason, half, linear ? lr + " per 256 images" : format(nextLr)));
  }

  private static String format(double value) {
    return String.valueOf((float) value);
  }

  private static Decision fail(String reason) {
    return new Decision(Action.FAIL, null, reason);
  }
}
