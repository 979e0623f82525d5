package io.kiln.backend.common;

import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.kiln.core.i18n.Text;
import io.kiln.core.recipe.FieldError;
import io.kiln.core.recipe.RecipeException;
import io.kiln.core.run.IllegalTransitionException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps every failure to an HTTP status with an {@link ErrorBody}, so clients never get an empty
 * 4xx.
 */
public class ErrorMappers {
  private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

  @ServerExceptionMapper
  public Response api(ApiException e, HttpHeaders headers) {
    Locale locale = Languages.of(headers);
    Response.ResponseBuilder reply =
        Response.status(e.status())
            .type(MediaType.APPLICATION_JSON)
            .entity(
                new ErrorBody(
                    e.status(),
                    e.message(locale),
                    Languages.localize(e.fields(), locale),
                    e.findings() == null
                        ? null
                        : e.findings().stream()
                            .map(f -> f instanceof Localizable<?> l ? l.in(locale) : f)
                            .toList()));
    if (e.retryAfterSeconds() > 0) {
      reply.header("Retry-After", e.retryAfterSeconds());
    }
    return reply.build();
  }

  @ServerExceptionMapper
  public Response recipe(RecipeException e, HttpHeaders headers) {
    Locale locale = Languages.of(headers);
    List<FieldError> fields = Languages.localize(e.errors(), locale);
    String each = fields.stream().map(FieldError::toString).collect(Collectors.joining("; "));
    return reply(400, Text.of("error.invalidRecipe", "errors", each).in(locale), fields);
  }

  @ServerExceptionMapper
  public Response transition(IllegalTransitionException e) {
    return reply(409, e.getMessage(), List.of());
  }

  @ServerExceptionMapper
  public Response unauthorized(UnauthorizedException e, HttpHeaders headers) {
    return reply(401, Text.of("error.logInFirst").in(Languages.of(headers)), List.of());
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e, HttpHeaders headers) {
    return reply(403, Text.of("error.forbidden").in(Languages.of(headers)), List.of());
  }

  @ServerExceptionMapper
  public Response validation(ConstraintViolationException e) {
    List<FieldError> fields =
        e.getConstraintViolations().stream()
            .map(v -> new FieldError(v.getPropertyPath().toString(), v.getMessage()))
            .toList();
    return reply(400, "invalid request", fields);
  }

  /**
   * A body whose JSON is well-formed but has a value of the wrong type (text for a number, 1.5 for
   * a whole number, a word for a list): 400 naming the field and what it must be.
   */
  @ServerExceptionMapper
  public Response wrongType(MismatchedInputException e) {
    String field =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."))
            .replace(".[", "[");
    if (field.isEmpty()) {
      return reply(400, "malformed request: the body must be a JSON object", List.of());
    }
    String problem = "must be " + expected(e.getTargetType());
    return reply(400, field + " " + problem, List.of(new FieldError(field, problem)));
  }

  private static String expected(Class<?> type) {
    if (type == null) {
      return "of another type";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class) {
      return "a number";
    }
    if (type == String.class) {
      return "text";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    return Map.class.isAssignableFrom(type) ? "a JSON object" : "a " + type.getSimpleName();
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    int status = e.getResponse().getStatus();
    String message = status == 400 ? "malformed request: " + rootMessage(e) : e.getMessage();
    return reply(status, message, List.of());
  }

  @ServerExceptionMapper
  public Response unexpected(Exception e) {
    if (clientWentAway(e)) {
      LOG.debug("the client closed the connection mid-request", e);
      return reply(400, "the connection closed before the request was complete", List.of());
    }
    if (causedBy(e, "Connection terminated parsing multipart")) {
      // The parts never reached their closing boundary: a body that is not the multipart its
      // Content-Type announced, or an upload cut short.
      return reply(
          400,
          "malformed request: the multipart body does not match its boundary or ends early",
          List.of());
    }
    if (diskFull(e)) {
      LOG.error("the data directory's disk is full", e);
      return reply(
          507,
          "the server's disk is full, so nothing was stored: an admin must free space (or grow the"
              + " volume), then try again",
          List.of());
    }
    LOG.error("unexpected error", e);
    return reply(500, "internal error: " + e.getClass().getSimpleName(), List.of());
  }

  /** An upload the client abandoned half way: nothing went wrong on this side. */
  private static boolean clientWentAway(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getClass().getSimpleName().equals("HttpClosedException")) {
        return true;
      }
    }
    return false;
  }

  /** Linux's ENOSPC and EDQUOT, as the JDK words them. */
  static boolean diskFull(Throwable e) {
    return causedBy(e, "No space left on device") || causedBy(e, "Disk quota exceeded");
  }

  /** Whether an IOException with these words in its message is among the causes. */
  private static boolean causedBy(Throwable e, String words) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof java.io.IOException
          && t.getMessage() != null
          && t.getMessage().contains(words)) {
        return true;
      }
    }
    return false;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int newline = m.indexOf('\n');
    return newline > 0 ? m.substring(0, newline) : m;
  }

  private static Response reply(int status, String message, List<FieldError> fields) {
    return Response.status(status)
        .type(MediaType.APPLICATION_JSON)
        .entity(new ErrorBody(status, message, fields))
        .build();
  }
}
