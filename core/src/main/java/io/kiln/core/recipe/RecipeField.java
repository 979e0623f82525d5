package io.kiln.core.recipe;

import java.util.List;

/**
 * One field of the flat recipe JSON: its type, default, bounds and the explanation the UI shows
 * next to it, with the IDs of the tricks in docs/training-tricks.md it implements.
 *
 * @param group the form section it belongs to (e.g. "Schedule")
 * @param advanced folded away in the UI unless the user asks for it
 * @param choices allowed values of a TEXT field; empty otherwise
 * @param min smallest allowed number (inclusive), or null
 * @param max largest allowed number (inclusive), or null
 */
public record RecipeField(
    String name,
    Type type,
    Object defaultValue,
    String group,
    String label,
    String help,
    List<String> trickIds,
    boolean advanced,
    List<String> choices,
    Double min,
    Double max) {

  /** The JSON type of a field's value. */
  public enum Type {
    TEXT,
    NUMBER,
    INTEGER,
    BOOLEAN,
    INTEGER_LIST
  }

  static Builder of(String name, Type type, Object defaultValue) {
    return new Builder(name, type, defaultValue);
  }

  /** Fluent construction, so the catalogue reads as a table. */
  static final class Builder {
    private final String name;
    private final Type type;
    private final Object defaultValue;
    private String group = "";
    private String label = "";
    private String help = "";
    private List<String> trickIds = List.of();
    private boolean advanced;
    private List<String> choices = List.of();
    private Double min;
    private Double max;

    private Builder(String name, Type type, Object defaultValue) {
      this.name = name;
      this.type = type;
      this.defaultValue = defaultValue;
    }

    Builder in(String group, boolean advanced) {
      this.group = group;
      this.advanced = advanced;
      return this;
    }

    Builder text(String label, String help, String... trickIds) {
      this.label = label;
      this.help = help;
      this.trickIds = List.of(trickIds);
      return this;
    }

    Builder choices(String... values) {
      this.choices = List.of(values);
      return this;
    }

    Builder range(double min, double max) {
      this.min = min;
      this.max = max;
      return this;
    }

    RecipeField build() {
      return new RecipeField(
          name, type, defaultValue, group, label, help, trickIds, advanced, choices, min, max);
    }
  }
}
