package io.kiln.core.run;

import java.util.Locale;
import java.util.Optional;

/**
 * Why a run attempt failed, which decides what happens next (see {@link RetryPolicy}). The agent
 * classifies its own failures and sends the wire name in RunFinished; the backend classifies the
 * ones it sees itself (a lease that ran out, a revoked agent).
 */
public enum FailureClass {
  /** The machine, the network or the agent process: nothing wrong with the run, try elsewhere. */
  INFRASTRUCTURE,
  /** The recipe needs more memory than the device has: retry once with half the batch (T8). */
  OUT_OF_MEMORY,
  /** The recipe or the data cannot train (a corrupt image, an impossible setting): no retry. */
  RECIPE;

  /** The name on the wire: {@code infrastructure}, {@code out_of_memory}, {@code recipe}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<FailureClass> fromWire(String name) {
    if (name == null) {
      return Optional.empty();
    }
    for (FailureClass c : values()) {
      if (c.wireName().equals(name)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}
