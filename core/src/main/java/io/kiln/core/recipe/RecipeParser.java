package io.kiln.core.recipe;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Builds a {@link Recipe} from the flat JSON map a client sent, over a base recipe (the defaults, a
 * preset, or a parent run's recipe).
 *
 * <p>Type errors, unknown keys, out-of-range values and impossible combinations are all collected
 * and reported together, each naming its field, so a form can show them next to the right inputs.
 */
public final class RecipeParser {
  private final Set<String> ignoredKeys;

  /**
   * @param ignoredKeys keys that belong to the request rather than to the recipe (e.g. datasetId)
   */
  public RecipeParser(Set<String> ignoredKeys) {
    this.ignoredKeys = Set.copyOf(ignoredKeys);
  }

  public Recipe parse(Map<String, ?> input) {
    return parse(input, Recipe.defaults());
  }

  /**
   * Overlays {@code input} on {@code base}; keys absent from input (or null) keep the base values.
   */
  public Recipe parse(Map<String, ?> input, Recipe base) {
    Recipe recipe = parseFields(input, base);
    List<FieldError> errors = recipe.validate();
    if (!errors.isEmpty()) {
      throw new RecipeException(errors);
    }
    return recipe;
  }

  /**
   * Like {@link #parse(Map, Recipe)} but checks each field on its own only (type, range, choices),
   * not the rules between fields: for code that fixes those itself and validates afterwards (preset
   * adjustment, T17).
   */
  public Recipe parseFields(Map<String, ?> input, Recipe base) {
    List<FieldError> errors = new ArrayList<>();
    Map<String, Object> values = new LinkedHashMap<>(base.toMap());
    for (Map.Entry<String, ?> entry : input.entrySet()) {
      String key = entry.getKey();
      RecipeField field = RecipeFields.get(key);
      if (field == null) {
        if (!ignoredKeys.contains(key)) {
          errors.add(FieldError.of(key, "recipe.unknownField"));
        }
      } else if (entry.getValue() != null) {
        Object value = convert(field, entry.getValue(), errors);
        if (value != null) {
          values.put(key, value);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new RecipeException(errors);
    }
    alternateMixes(input, values);
    return new Recipe(values);
  }

  /**
   * Mixup and CutMix both turned on by their strength alone, with neither probability given: each
   * batch gets one of the two, half the batches each (as timm's switch probability of 0.5), instead
   * of refusing the default probabilities of 1 and 1, which cannot both hold.
   */
  static void alternateMixes(Map<String, ?> input, Map<String, Object> values) {
    boolean bothOn =
        ((Number) values.get("mixupAlpha")).doubleValue() > 0
            && ((Number) values.get("cutmixAlpha")).doubleValue() > 0;
    boolean probabilityGiven =
        input.get("mixupProbability") != null || input.get("cutmixProbability") != null;
    double sum =
        ((Number) values.get("mixupProbability")).doubleValue()
            + ((Number) values.get("cutmixProbability")).doubleValue();
    if (bothOn && !probabilityGiven && sum > 1 + 1e-9) {
      values.put("mixupProbability", 0.5);
      values.put("cutmixProbability", 0.5);
    }
  }

  /**
   * The normalized value (String, Double, Long, Boolean or List of Long), or null after adding an
   * error.
   */
  static Object convert(RecipeField field, Object raw, List<FieldError> errors) {
    String name = field.name();
    switch (field.type()) {
      case TEXT -> {
        if (!(raw instanceof String s)) {
          errors.add(FieldError.of(name, "recipe.notText"));
          return null;
        }
        String value =
            field.choices().stream()
                .filter(c -> c.equalsIgnoreCase(s.trim()))
                .findFirst()
                .orElse(s.trim().toLowerCase(Locale.ROOT));
        if (!field.choices().isEmpty() && !field.choices().contains(value)) {
          errors.add(
              FieldError.of(name, "recipe.unknownChoice", "value", s, "choices", field.choices()));
          return null;
        }
        return value;
      }
      case BOOLEAN -> {
        if (!(raw instanceof Boolean b)) {
          errors.add(FieldError.of(name, "recipe.notBoolean"));
          return null;
        }
        return b;
      }
      case NUMBER -> {
        if (!(raw instanceof Number n)) {
          errors.add(FieldError.of(name, "recipe.notNumber"));
          return null;
        }
        return inRange(field, n.doubleValue(), errors) ? n.doubleValue() : null;
      }
      case INTEGER -> {
        Long value = wholeNumber(raw);
        if (value == null) {
          errors.add(FieldError.of(name, "recipe.notWhole"));
          return null;
        }
        return inRange(field, value, errors) ? value : null;
      }
      case INTEGER_LIST -> {
        if (!(raw instanceof List<?> list)) {
          errors.add(FieldError.of(name, "recipe.notList"));
          return null;
        }
        List<Long> out = new ArrayList<>();
        for (Object item : list) {
          Long value = wholeNumber(item);
          if (value == null) {
            errors.add(FieldError.of(name, "recipe.notListItem", "item", item));
            return null;
          }
          if (!inRange(field, value, errors)) {
            return null;
          }
          out.add(value);
        }
        return List.copyOf(out);
      }
      default -> throw new IllegalStateException("unhandled type " + field.type());
    }
  }

  /**
   * A whole number as a long, or null for anything else. Exact for integers however written ({@code
   * 9000000000000000}, {@code 9e15}); one too large for a long is clamped, so the range check names
   * the field's range instead of calling it "not whole".
   */
  private static Long wholeNumber(Object raw) {
    if (raw instanceof Long
        || raw instanceof Integer
        || raw instanceof Short
        || raw instanceof Byte) {
      return ((Number) raw).longValue();
    }
    if (raw instanceof BigInteger big) {
      return big.bitLength() < 64
          ? big.longValue()
          : big.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    if (raw instanceof Number n) {
      double d = n.doubleValue();
      if (Double.isFinite(d) && d == Math.rint(d)) {
        return Math.abs(d) < 0x1p63 ? (long) d : d > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
      }
    }
    return null;
  }

  private static boolean inRange(RecipeField field, double value, List<FieldError> errors) {
    boolean ok =
        !Double.isNaN(value)
            && (field.min() == null || value >= field.min())
            && (field.max() == null || value <= field.max());
    if (!ok) {
      errors.add(
          FieldError.of(
              field.name(),
              "recipe.outOfRange",
              "min",
              format(field.min()),
              "max",
              format(field.max()),
              "value",
              format(value)));
    }
    return ok;
  }

  static String format(Double value) {
    if (value == null) {
      return "any";
    }
    if (value.isNaN() || value.isInfinite()) {
      return String.valueOf(value);
    }
    return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
