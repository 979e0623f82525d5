package io.kiln.core.recipe;

/** One problem with one recipe field, phrased for the person who typed it. */
public record FieldError(String field, String message) {
  @Override
  public String toString() {
    return field + ": " + message;
  }
}
