package io.kiln.backend.auth;

import io.kiln.backend.common.RouteErrors;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Requests anyone may send without logging in (login, logout) carry a few hundred bytes; one of
 * more than {@value #MAX_BYTES} bytes is refused with 413 before it is read, and one of unknown
 * length with 411, so strangers cannot make the server hold megabytes per request.
 */
@ApplicationScoped
class LoginBodyLimit {
  static final long MAX_BYTES = 64 * 1024;

  void register(@Observes Filters filters) {
    filters.register(this::check, 90);
  }

  private void check(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (ctx.request().method() != HttpMethod.POST
        || !(path.equals("/api/auth/login") || path.equals("/api/auth/logout"))) {
      ctx.next();
      return;
    }
    String length = ctx.request().getHeader("Content-Length");
    long bytes;
    try {
      bytes = length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      bytes = -1;
    }
    if (length == null && ctx.request().getHeader("Transfer-Encoding") != null) {
      refuse(ctx, 411, "send the login with a Content-Length");
    } else if (bytes > MAX_BYTES) {
      refuse(ctx, 413, "a login is a name and a password: at most 64 KB");
    } else {
      ctx.next();
    }
  }

  private static void refuse(RoutingContext ctx, int status, String message) {
    // The body is never read: the connection cannot carry another request after it.
    ctx.response().putHeader("Connection", "close");
    RouteErrors.end(ctx, status, message);
  }
}
