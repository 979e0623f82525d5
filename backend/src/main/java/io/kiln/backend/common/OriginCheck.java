package io.kiln.backend.common;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Refuses cross-site requests a browser sends with the session cookie: every request that changes
 * something (POST, PUT, PATCH, DELETE) and every WebSocket upgrade whose {@code Origin} is not
 * Kiln's own ({@code kiln.public-url}, or the address the request was sent to when that is unset:
 * behind a TLS proxy set the former, or let {@code quarkus.http.proxy} trust the proxy's headers)
 * gets 403. Clients that are not browsers send no {@code Origin} and are not affected; the cookie
 * is also SameSite=Strict, so this is the second wall.
 */
@ApplicationScoped
public class OriginCheck {
  private static final Set<HttpMethod> CHANGING =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
  private final Optional<String> publicOrigin;

  OriginCheck(KilnConfig config) {
    this.publicOrigin = config.publicUrl().filter(u -> !u.isBlank()).map(OriginCheck::origin);
  }

  void register(@Observes Filters filters) {
    filters.register(this::check, 100);
  }

  private void check(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    boolean upgrade = "websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
    String origin = request.getHeader("Origin");
    if ((upgrade || CHANGING.contains(request.method()))
        && origin != null
        && !allowed(origin, request)) {
      RouteErrors.end(
          ctx,
          403,
          "cross-site request refused: Origin "
              + printable(origin)
              + " is not this Kiln's address");
      return;
    }
    ctx.next();
  }

  private boolean allowed(String origin, HttpServerRequest request) {
    String given = origin.toLowerCase(Locale.ROOT);
    if (publicOrigin.isPresent()) {
      return given.equals(publicOrigin.get());
    }
    String host = request.getHeader("Host");
    if (host == null) {
      return false;
    }
    // The scheme the request came in with: X-Forwarded-Proto counts only from a proxy that
    // quarkus.http.proxy trusts (it then rewrites the scheme), never from the client itself.
    return given.equals(request.scheme() + "://" + host.toLowerCase(Locale.ROOT));
  }

  private static String printable(String text) {
    return text.replaceAll("[^\\x20-\\x7e]", "?");
  }

  /** scheme://host[:port] of a URL, lower case, without a default port. */
  static String origin(String url) {
    URI uri = URI.create(url.trim());
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort();
    boolean defaultPort =
        port == -1
            || (scheme.equals("https") && port == 443)
            || (scheme.equals("http") && port == 80);
    return scheme
        + "://"
        + uri.getHost().toLowerCase(Locale.ROOT)
        + (defaultPort ? "" : ":" + port);
  }

  /** True when Kiln is reached over https (the session cookie is then Secure). */
  public boolean secure() {
    return publicOrigin.map(o -> o.startsWith("https:")).orElse(false);
  }
}
