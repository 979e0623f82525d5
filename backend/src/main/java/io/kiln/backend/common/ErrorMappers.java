package io.kiln.backend.common;

import io.kiln.core.recipe.RecipeException;
import io.kiln.core.run.IllegalTransitionException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps every failure to an HTTP status with an {@link ErrorBody}, so clients never get an empty 4xx. */
public class ErrorMappers {
  private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

  @ServerExceptionMapper
  public Response api(ApiException e) {
    return Response.status(e.status()).type(MediaType.APPLICATION_JSON)
        .entity(new ErrorBody(e.status(), e.getMessage(), e.fields(), e.findings())).build();
  }

  @ServerExceptionMapper
  public Response recipe(RecipeException e) {
    List<Map<String, String>> fields = e.errors().stream()
        .map(f -> Map.of("field", f.field(), "message", f.message())).toList();
    return reply(400, "invalid recipe: " + e.getMessage(), fields);
  }

  @ServerExceptionMapper
  public Response transition(IllegalTransitionException e) {
    return reply(409, e.getMessage(), List.of());
  }

  @ServerExceptionMapper
  public Response unauthorized(UnauthorizedException e) {
    return reply(401, "log in first: this needs a session cookie or an Authorization: Bearer token", List.of());
  }

  @ServerExceptionMapper
  public Response forbidden(ForbiddenException e) {
    return reply(403, "your account is not allowed to do this", List.of());
  }

  @ServerExceptionMapper
  public Response validation(ConstraintViolationException e) {
    List<Map<String, String>> fields = e.getConstraintViolations().stream()
        .map(v -> Map.of("field", v.getPropertyPath().toString(), "message", v.getMessage())).toList();
    return reply(400, "invalid request", fields);
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

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    int newline = m.indexOf('\n');
    return newline > 0 ? m.substring(0, newline) : m;
  }

  private static Response reply(int status, String message, List<Map<String, String>> fields) {
    return Response.status(status).type(MediaType.APPLICATION_JSON)
        .entity(new ErrorBody(status, message, fields)).build();
  }
}
