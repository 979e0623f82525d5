package io.kiln.core.advisor;

import io.kiln.core.recipe.Recipe;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One change already tried in a run's family: a finished child whose recipe differs from its
 * finished parent in some fields, and what that gained.
 *
 * @param runId the child run
 * @param from the parent's values of the fields that changed
 * @param to the child's values of those fields
 * @param gain the child's best validation accuracy minus the parent's (fraction, may be negative)
 */
public record Tried(long runId, Map<String, Object> from, Map<String, Object> to, double gain) {
  public Tried {
    from = Map.copyOf(from);
    to = Map.copyOf(to);
  }

  /** The change from {@code parent} to {@code child}, field by field. */
  public static Tried between(long runId, Recipe parent, Recipe child, double gain) {
    Map<String, Object> before = parent.toMap();
    Map<String, Object> after = child.toMap();
    Map<String, Object> from = new LinkedHashMap<>();
    Map<String, Object> to = new LinkedHashMap<>();
    for (var e : after.entrySet()) {
      Object was = before.get(e.getKey());
      if (!same(was, e.getValue())) {
        if (was != null) {
          from.put(e.getKey(), was);
        }
        to.put(e.getKey(), e.getValue());
      }
    }
    return new Tried(runId, from, to, gain);
  }

  /** Equal values; numbers compare by value (a patch's 256.0 is a recipe's 256). */
  public static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
    }
    return Objects.equals(a, b);
  }
}
