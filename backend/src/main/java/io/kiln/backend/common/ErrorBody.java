package io.kiln.backend.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kiln.core.recipe.FieldError;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The JSON body of every error reply: a sentence for people and, for forms, the fields at fault; a
 * refused dataset upload also carries what validation found (its {@code findings}, as in a
 * dataset).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(
    int status,
    String error,
    @Schema(nullable = true) List<FieldError> fields,
    @Schema(nullable = true) List<?> findings) {
  public ErrorBody(int status, String error, List<FieldError> fields) {
    this(status, error, fields, null);
  }
}
