package io.kiln.backend.common;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A multipart body must name its boundary (RFC 2046: 1 to 70 characters); one without, or with an
 * empty one, is a 400 here, before the form parser (which fails on an empty boundary) reads it.
 */
@ApplicationScoped
class MultipartBoundaryCheck {
  private static final Pattern BOUNDARY =
      Pattern.compile(";\\s*boundary=(\"([^\"]{1,70})\"|([^\";\\s]{1,70}))\\s*(;|$)");

  void register(@Observes Filters filters) {
    filters.register(this::check, 80);
  }

  private void check(RoutingContext ctx) {
    String type = ctx.request().getHeader("Content-Type");
    if (type != null
        && type.trim().toLowerCase(Locale.ROOT).startsWith("multipart/")
        && !hasBoundary(type)) {
      ctx.response().putHeader("Connection", "close");
      RouteErrors.end(
          ctx,
          400,
          "malformed request: a multipart body needs a boundary of 1 to 70 characters in its"
              + " Content-Type");
      return;
    }
    ctx.next();
  }

  static boolean hasBoundary(String contentType) {
    Matcher m = BOUNDARY.matcher(contentType);
    return m.find();
  }
}
