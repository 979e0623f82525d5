package io.kiln.backend.common;

import io.vertx.core.MultiMap;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Headers on every answer that keep a browser from being turned against Kiln: scripts, styles and
 * connections from Kiln's own origin only (no inline script runs, even one that slipped into a
 * page), no framing, no content-type sniffing, no full addresses to other sites. The page itself
 * ({@code /}) is revalidated on every load, so a new release is seen at once; Vite's hashed files
 * under {@code /assets/} never change and are cached for a year.
 */
@ApplicationScoped
public class BrowserHeaders {
  /** Blobs and data: URLs are the predict page's previews of a person's own files. */
  public static final String POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:;"
          + " connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self';"
          + " frame-ancestors 'none'";

  void routes(@Observes Router router) {
    router.route().order(-1000).handler(this::headers);
  }

  private void headers(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    ctx.addHeadersEndHandler(
        v -> {
          MultiMap headers = ctx.response().headers();
          // An answer with a stricter policy of its own (the compare export) keeps it.
          if (!headers.contains("Content-Security-Policy")) {
            headers.set("Content-Security-Policy", POLICY);
          }
          headers.set("X-Content-Type-Options", "nosniff");
          headers.set("X-Frame-Options", "DENY");
          headers.set("Referrer-Policy", "same-origin");
          if (path.equals("/") || path.equals("/index.html")) {
            headers.set("Cache-Control", "no-cache");
          } else if (path.startsWith("/assets/") && ctx.response().getStatusCode() == 200) {
            headers.set("Cache-Control", "public, max-age=31536000, immutable");
          }
        });
    ctx.next();
  }
}
