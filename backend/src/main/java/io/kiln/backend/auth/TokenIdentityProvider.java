package io.kiln.backend.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns a bearer token into an identity: a user session gives the user's role, an agent credential
 * gives role "agent" with principal "agent:ID".
 */
@ApplicationScoped
public class TokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {
  public static final String AGENT_ROLE = "agent";
  private static final String AGENT_PREFIX = "agent:";
  private final AuthService auth;
  private final AgentCredentials agents;

  TokenIdentityProvider(AuthService auth, AgentCredentials agents) {
    this.auth = auth;
    this.agents = agents;
  }

  /** The agent id of an agent's identity, or null for people and anonymous requests. */
  public static Long agentId(SecurityIdentity identity) {
    if (identity == null || !identity.hasRole(AGENT_ROLE)) {
      return null;
    }
    return Long.parseLong(identity.getPrincipal().getName().substring(AGENT_PREFIX.length()));
  }

  @Override
  public Class<TokenAuthenticationRequest> getRequestType() {
    return TokenAuthenticationRequest.class;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(
      TokenAuthenticationRequest request, AuthenticationRequestContext context) {
    String token = request.getToken().getToken();
    return context.runBlocking(() -> resolve(token));
  }

  private SecurityIdentity resolve(String token) {
    if (token.startsWith(AuthService.SESSION_PREFIX)) {
      return auth.userForToken(token)
          .map(
              u -> identity(u.username, u.role, u.role.equals(AppUser.ADMIN) ? AppUser.USER : null))
          .orElseThrow(AuthenticationFailedException::new);
    }
    return agents
        .agentIdForCredential(token)
        .map(id -> identity(AGENT_PREFIX + id, AGENT_ROLE, null))
        .orElseThrow(AuthenticationFailedException::new);
  }

  private static SecurityIdentity identity(String name, String role, String extraRole) {
    QuarkusSecurityIdentity.Builder builder =
        QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name)).addRole(role);
    if (extraRole != null) {
      builder.addRole(extraRole);
    }
    return builder.build();
  }
}
