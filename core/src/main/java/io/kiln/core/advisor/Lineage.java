package io.kiln.core.advisor;

import io.kiln.core.recipe.Recipe;
import io.kiln.core.recipe.RecipeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what a run's family already tried, so advice does not go in circles: a change is not
 * suggested again when the same move (same field, same direction, into the range already tried)
 * gained nothing, and a change that helped is not undone.
 *
 * <p>A suggestion keeps the fields that pass; one left with nothing of its own to change (only a
 * follower such as the schedule's floor) is withheld. What was left out, and where it was tried, is
 * added to the evidence as {@code notRepeated} so the page can say why.
 */
public final class Lineage {
  /**
   * Gains up to this (best validation accuracy, as a fraction) count as no gain: the seed-to-seed
   * noise bench/advice-efficacy measures is about half a point.
   */
  public static final double NOISE = 0.005;

  /** Fields that only follow another change (the floor follows the learning rate, T7). */
  static final Set<String> FOLLOWERS = Set.of("minLearningRate", "cutmixProbability");

  private Lineage() {}

  /** The suggestions less what the family already tried, in the same order. */
  public static List<Suggestion> screen(List<Suggestion> fired, Recipe recipe, List<Tried> tried) {
    if (tried.isEmpty()) {
      return fired;
    }
    List<Suggestion> out = new ArrayList<>();
    for (Suggestion s : fired) {
      Map<String, Object> kept = new LinkedHashMap<>();
      List<Map<String, Object>> left = new ArrayList<>();
      for (var change : s.patch().entrySet()) {
        Tried blocking = blocking(change.getKey(), recipe, change.getValue(), tried);
        if (blocking == null) {
          kept.put(change.getKey(), change.getValue());
        } else {
          left.add(
              Map.of(
                  "field",
                  change.getKey(),
                  "run",
                  blocking.runId(),
                  "helped",
                  blocking.gain() > NOISE));
        }
      }
      if (left.isEmpty()) {
        out.add(s);
        continue;
      }
      if (FOLLOWERS.containsAll(kept.keySet()) || !valid(recipe, kept)) {
        continue;
      }
      Map<String, Object> evidence = new HashMap<>(s.evidence());
      evidence.put("notRepeated", List.copyOf(left));
      out.add(
          new Suggestion(
              s.ruleId(),
              s.trickIds(),
              s.severity(),
              s.title(),
              s.explanation(),
              evidence,
              kept,
              s.titleText(),
              s.explanationText()));
    }
    return out;
  }

  /**
   * The earlier change that rules out setting {@code field} to {@code value} now, or null: the same
   * move that gained nothing, or the undoing of one that helped.
   */
  static Tried blocking(String field, Recipe recipe, Object value, List<Tried> tried) {
    Object now = recipe.toMap().get(field);
    for (Tried t : tried) {
      if (!t.to().containsKey(field)) {
        continue;
      }
      Object from = t.from().get(field);
      Object to = t.to().get(field);
      boolean helped = t.gain() > NOISE;
      if (!helped && repeats(from, to, now, value)) {
        return t;
      }
      if (helped && undoes(from, to, value)) {
        return t;
      }
    }
    return null;
  }

  /** Moving {@code now -> value} goes the way {@code from -> to} went, past {@code from}. */
  static boolean repeats(Object from, Object to, Object now, Object value) {
    if (from instanceof Number f && to instanceof Number t && value instanceof Number v) {
      double direction = Math.signum(t.doubleValue() - f.doubleValue());
      double move =
          now instanceof Number n ? Math.signum(v.doubleValue() - n.doubleValue()) : direction;
      return direction != 0
          && move == direction
          && Math.signum(v.doubleValue() - f.doubleValue()) == direction;
    }
    return Tried.same(to, value);
  }

  /** Setting {@code value} takes the field back to where {@code from -> to} started, or beyond. */
  static boolean undoes(Object from, Object to, Object value) {
    if (from instanceof Number f && to instanceof Number t && value instanceof Number v) {
      double direction = Math.signum(t.doubleValue() - f.doubleValue());
      return direction != 0 && Math.signum(v.doubleValue() - f.doubleValue()) != direction;
    }
    return from != null && Tried.same(from, value);
  }

  private static boolean valid(Recipe recipe, Map<String, Object> patch) {
    try {
      recipe.with(patch);
      return true;
    } catch (RecipeException e) {
      return false;
    }
  }
}
