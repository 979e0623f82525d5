package io.kiln.core.recipe;

import io.kiln.core.i18n.Text;

/**
 * One problem with one recipe field, phrased for the person who typed it.
 *
 * @param message the problem in English
 * @param text the same as a message key and arguments (for other languages), or null
 */
public record FieldError(String field, String message, Text text) {
  public FieldError(String field, String message) {
    this(field, message, null);
  }

  /** An error in every language Kiln speaks. */
  public static FieldError of(String field, Text text) {
    return new FieldError(field, text.english(), text);
  }

  /** An error in every language, from its message key and arguments. */
  public static FieldError of(String field, String key, Object... namesAndValues) {
    return of(field, Text.of(key, namesAndValues));
  }

  @Override
  public String toString() {
    return field + ": " + message;
  }
}
