package io.kiln.backend.common;

import io.kiln.core.i18n.Messages;
import io.kiln.core.i18n.Text;
import io.kiln.core.recipe.FieldError;
import java.util.List;
import java.util.Locale;

/** An error a client caused; rendered as a JSON body with this status. */
public class ApiException extends RuntimeException {
  private final int status;
  private final List<FieldError> fields;
  private List<?> findings;
  private long retryAfterSeconds;
  private Text text;

  public ApiException(int status, String message) {
    this(status, message, List.of());
  }

  public ApiException(int status, String message, List<FieldError> fields) {
    super(message);
    this.status = status;
    this.fields = List.copyOf(fields);
  }

  /** An error in every language Kiln speaks. */
  public ApiException(int status, Text text) {
    this(status, text, List.of());
  }

  public ApiException(int status, Text text, List<FieldError> fields) {
    this(status, text.english(), fields);
    this.text = text;
  }

  /** The sentence in the reader's language (English where it has no message key). */
  public String message(Locale locale) {
    return text == null ? getMessage() : text.in(locale);
  }

  /** An error about one field, in every language: the sentence and the field's problem. */
  public static ApiException field(int status, String field, Text message, Text problem) {
    return new ApiException(status, message, List.of(FieldError.of(field, problem)));
  }

  /** An error about one field of a form or request body. */
  public static ApiException field(int status, String message, String field, String problem) {
    return new ApiException(status, message, List.of(new FieldError(field, problem)));
  }

  /** "run 7 does not exist", in every language Kiln speaks for the things it knows by name. */
  public static ApiException notFound(String what, Object id) {
    String key = "thing." + what.replace(' ', '-');
    Object thing = Messages.ENGLISH.has(key) ? Text.of(key) : what;
    return new ApiException(404, Text.of("error.notFound", "what", thing, "id", id));
  }

  public static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  /** Attaches what validation found (e.g. a refused dataset's findings) to the error body. */
  public ApiException withFindings(List<?> details) {
    this.findings = List.copyOf(details);
    return this;
  }

  /** Tells the client when to try again (the {@code Retry-After} header, e.g. with a 429). */
  public ApiException retryAfter(long seconds) {
    this.retryAfterSeconds = seconds;
    return this;
  }

  /** Seconds for the {@code Retry-After} header, or 0 for none. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /** The findings to show with the error, or null. */
  public List<?> findings() {
    return findings;
  }

  public int status() {
    return status;
  }

  public List<FieldError> fields() {
    return fields;
  }
}
