package io.kiln.backend.auth;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** The {@link Caller} of the current HTTP request. */
@ApplicationScoped
public class Callers {
  private final SecurityIdentity identity;
  private final CurrentVertxRequest request;
  private final AuthService auth;

  Callers(SecurityIdentity identity, CurrentVertxRequest request, AuthService auth) {
    this.identity = identity;
    this.request = request;
    this.auth = auth;
  }

  /** The token a request carries (Authorization header or session cookie), or null. */
  public static String token(RoutingContext context) {
    return BearerTokenMechanism.token(context);
  }

  /**
   * Who a person's session token stands for now; empty once it has ended (logout, expiry, a reset
   * password, a disabled account). Their teams and role are read afresh.
   */
  public Optional<Caller> forSession(String token) {
    if (token == null || !token.startsWith(AuthService.SESSION_PREFIX)) {
      return Optional.empty();
    }
    return auth.personForToken(token).map(Caller::of);
  }

  public Caller current() {
    var current = request.getCurrent();
    String header = current == null ? null : current.request().getHeader(Caller.TEAM_HEADER);
    return Caller.of(identity, header);
  }
}
