package io.kiln.backend.auth;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.ApplicationScoped;

/** The {@link Caller} of the current HTTP request. */
@ApplicationScoped
public class Callers {
  private final SecurityIdentity identity;
  private final CurrentVertxRequest request;

  Callers(SecurityIdentity identity, CurrentVertxRequest request) {
    this.identity = identity;
    this.request = request;
  }

  public Caller current() {
    var current = request.getCurrent();
    String header = current == null ? null : current.request().getHeader(Caller.TEAM_HEADER);
    return Caller.of(identity, header);
  }
}
