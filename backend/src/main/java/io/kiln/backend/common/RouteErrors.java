package io.kiln.backend.common;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The {@link ErrorBody} of an answer given by a Vert.x route or filter before any REST resource
 * runs (a refused upgrade, a cross-site request, an oversized login): the same JSON the REST
 * answers carry, its text escaped.
 */
public final class RouteErrors {
  private RouteErrors() {}

  /** Ends the request with {@code status} and {"status", "error": message}. */
  public static void end(RoutingContext ctx, int status, String message) {
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("status", status).put("error", message).encode());
  }
}
