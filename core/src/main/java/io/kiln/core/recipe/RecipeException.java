package io.kiln.core.recipe;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when a recipe cannot be built; carries every field error at once so a form can mark them
 * all.
 */
public class RecipeException extends RuntimeException {
  private final List<FieldError> errors;

  public RecipeException(List<FieldError> errors) {
    super(errors.stream().map(FieldError::toString).collect(Collectors.joining("; ")));
    this.errors = List.copyOf(errors);
  }

  public List<FieldError> errors() {
    return errors;
  }
}
