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
 * Turns a bearer token into an identity: a user session gives the user's role, an API key gives
 * role "predict" ({@link ApiKeys}), an agent credential gives role "agent" with principal
 * "agent:ID".
 */
@ApplicationScoped
public class TokenIdentityProvider implements IdentityProvider<TokenAuthenticationRequest> {
  public static final String AGENT_ROLE = "agent";
  private static final String AGENT_PREFIX = "agent:";
  private final AuthService auth;
  private final AgentCredentials agents;
  private final ApiKeys keys;

  TokenIdentityProvider(AuthService auth, AgentCredentials agents, ApiKeys keys) {
    this.auth = auth;
    this.agents = agents;
    this.keys = keys;
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
      return auth.personForToken(token)
          .map(TokenIdentityProvider::person)
          .orElseThrow(AuthenticationFailedException::new);
    }
    if (token.startsWith(ApiKeys.PREFIX)) {
      return keys.identityFor(token).orElseThrow(AuthenticationFailedException::new);
    }
    return agents
        .agentIdForCredential(token)
        .map(id -> identity(AGENT_PREFIX + id, AGENT_ROLE))
        .orElseThrow(AuthenticationFailedException::new);
  }

  /** A person holds {@code user} and their own role; {@link Caller} reads the attributes. */
  private static SecurityIdentity person(AuthService.Person p) {
    return QuarkusSecurityIdentity.builder()
        .setPrincipal(new QuarkusPrincipal(p.username()))
        .addRole(AppUser.USER)
        .addRole(p.role())
        .addAttribute(Caller.ROLE, p.role())
        .addAttribute(Caller.TEAMS, p.teams())
        .addAttribute(Caller.DEFAULT_TEAM, p.defaultTeam())
        .build();
  }

  private static SecurityIdentity identity(String name, String role) {
    return QuarkusSecurityIdentity.builder()
        .setPrincipal(new QuarkusPrincipal(name))
        .addRole(role)
        .build();
  }
}
