package io.kiln.core.recipe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link Recipe} from the flat JSON map a client sent, filling in defaults.
 *
 * <p>Type errors, unknown keys and invalid values are all collected and reported together, each
 * naming its field, so a form can show them next to the right inputs.
 */
public final class RecipeParser {
  private final Set<String> ignoredKeys;

  /** @param ignoredKeys keys that belong to the request rather than to the recipe (e.g. datasetId) */
  public RecipeParser(Set<String> ignoredKeys) {
    this.ignoredKeys = Set.copyOf(ignoredKeys);
  }

  public Recipe parse(Map<String, ?> input) {
    return parse(input, Recipe.defaults());
  }

  /** Overlays {@code input} on {@code base}; keys absent from input keep the base values. */
  public Recipe parse(Map<String, ?> input, Recipe base) {
    Reader r = new Reader(input, base.toMap());
    for (String key : input.keySet()) {
      if (!base.toMap().containsKey(key) && !ignoredKeys.contains(key)) {
        r.errors.add(new FieldError(key, "is not a recipe field"));
      }
    }
    Recipe recipe = new Recipe(
        r.text("architecture"),
        r.text("optimizer"),
        r.number("learningRate"),
        r.number("momentum"),
        r.number("weightDecay"),
        r.text("schedule"),
        (int) r.integer("batchSize"),
        (int) r.integer("epochs"),
        (int) r.integer("inputSize"),
        r.number("validationFraction"),
        r.integer("seed"));
    r.errors.addAll(recipe.validate());
    if (!r.errors.isEmpty()) {
      throw new RecipeException(r.errors);
    }
    return recipe;
  }

  private static final class Reader {
    final Map<String, ?> input;
    final Map<String, Object> defaults;
    final List<FieldError> errors = new ArrayList<>();

    Reader(Map<String, ?> input, Map<String, Object> defaults) {
      this.input = input;
      this.defaults = defaults;
    }

    Object raw(String key) {
      Object value = input.get(key);
      return value == null ? defaults.get(key) : value;
    }

    String text(String key) {
      Object value = raw(key);
      if (value instanceof String s) {
        return s.trim().toLowerCase();
      }
      errors.add(new FieldError(key, "must be a string"));
      return (String) defaults.get(key);
    }

    double number(String key) {
      Object value = raw(key);
      if (value instanceof Number n) {
        return n.doubleValue();
      }
      errors.add(new FieldError(key, "must be a number"));
      return ((Number) defaults.get(key)).doubleValue();
    }

    long integer(String key) {
      Object value = raw(key);
      if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
          && Math.abs(n.doubleValue()) < 9.0e15) {
        return n.longValue();
      }
      errors.add(new FieldError(key, "must be a whole number"));
      return ((Number) defaults.get(key)).longValue();
    }
  }
}
