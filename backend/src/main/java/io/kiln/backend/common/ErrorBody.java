package io.kiln.backend.common;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** The JSON body of every error reply: a sentence for people and, for forms, the fields at fault. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(int status, String error, List<Map<String, String>> fields, List<?> findings) {
  public ErrorBody(int status, String error, List<Map<String, String>> fields) {
    this(status, error, fields, null);
  }
}
