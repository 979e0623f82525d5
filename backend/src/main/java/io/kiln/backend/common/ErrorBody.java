package io.kiln.backend.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kiln.core.recipe.FieldError;
import java.util.List;

/**
 * The JSON body of every error reply: a sentence for people and, for forms, the fields at fault; a
 * refused dataset upload also carries what validation found (its {@code findings}, as in a
 * dataset).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(int status, String error, List<FieldError> fields, List<?> findings) {
  public ErrorBody(int status, String error, List<FieldError> fields) {
    this(status, error, fields, null);
  }
}
