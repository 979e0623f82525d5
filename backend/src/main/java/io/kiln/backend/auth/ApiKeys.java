package io.kiln.backend.auth;

import io.kiln.backend.audit.Audit;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.ShownText;
import io.kiln.backend.common.Tokens;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * API keys: a person creates one for a team they work in (shown once), lists and revokes them. A
 * key authenticates as role {@value #ROLE} and may only ask for predictions of its team's runs; it
 * stops working when revoked, when its owner is disabled or leaves the team.
 */
@ApplicationScoped
public class ApiKeys {
  /** The one role a key's identity holds. */
  public static final String ROLE = "predict";

  static final String PREFIX = "kk_";
  private static final String KEY_ID = "kiln.apiKey";
  private static final String KEY_TEAM = "kiln.apiKeyTeam";
  private static final int MAX_NAME = 100;

  private final Audit audit;

  ApiKeys(Audit audit) {
    this.audit = audit;
  }

  /** What a key may reach: its id and its team. */
  public record Holder(long keyId, long teamId) {}

  public record NewApiKey(String name, Long teamId) {}

  public record ApiKeyView(
      long id,
      String name,
      String hint,
      long teamId,
      String teamName,
      String owner,
      Instant createdAt,
      @Schema(nullable = true) Instant lastUsedAt) {}

  /** The new key's secret, shown only this once, and its listing. */
  public record CreatedApiKey(String secret, ApiKeyView key) {}

  /** The key behind an identity, if it is a key's. */
  public static Optional<Holder> holder(SecurityIdentity identity) {
    Long id = identity == null ? null : identity.getAttribute(KEY_ID);
    Long team = identity == null ? null : identity.getAttribute(KEY_TEAM);
    return id == null || team == null ? Optional.empty() : Optional.of(new Holder(id, team));
  }

  @Transactional
  public CreatedApiKey create(NewApiKey body, Caller caller) {
    String name =
        ShownText.name("name", body == null || body.name() == null ? "" : body.name().strip());
    if (name.isEmpty() || name.length() > MAX_NAME) {
      throw ApiException.field(
          400, "name the key (1 to 100 characters)", "name", "1 to 100 characters");
    }
    long teamId = body.teamId() == null ? caller.teamForNew() : body.teamId();
    Team team = Team.findById(teamId);
    if (team == null || !caller.sees(teamId)) {
      throw ApiException.notFound("team", teamId);
    }
    String secret = Tokens.newToken(PREFIX);
    ApiKey key = new ApiKey();
    key.name = name;
    key.tokenHash = Tokens.digest(secret);
    key.hint = secret.substring(0, PREFIX.length() + 6);
    key.team = team;
    key.owner = AppUser.byName(caller.name()).orElseThrow();
    key.createdAt = Instant.now();
    key.persist();
    audit.record(caller.name(), "api-key.create", "api-key " + key.id, name + " for " + team.name);
    return new CreatedApiKey(secret, view(key));
  }

  /** Active keys: a person's own; a lead's, every key of their teams; an admin's, all. */
  @Transactional
  public List<ApiKeyView> list(Caller caller) {
    List<ApiKey> keys = ApiKey.list("revokedAt is null order by createdAt desc");
    return keys.stream().filter(k -> manages(caller, k)).map(ApiKeys::view).toList();
  }

  @Transactional
  public void revoke(long id, Caller caller) {
    ApiKey key = ApiKey.findById(id);
    if (key == null || key.revokedAt != null || !caller.sees(key.team.id)) {
      throw ApiException.notFound("API key", id);
    }
    if (!manages(caller, key)) {
      throw new ApiException(403, "only its owner or a lead of its team can revoke API key " + id);
    }
    key.revokedAt = Instant.now();
    audit.record(caller.name(), "api-key.revoke", "api-key " + id, key.name);
  }

  /** The identity of a key that still works, or empty. */
  @Transactional
  Optional<SecurityIdentity> identityFor(String secret) {
    return ApiKey.<ApiKey>find("tokenHash", Tokens.digest(secret))
        .firstResultOptional()
        .filter(k -> k.revokedAt == null && !k.owner.disabled)
        .filter(k -> k.owner.teams.stream().anyMatch(t -> t.id.equals(k.team.id)) || isAdmin(k))
        .map(
            k ->
                QuarkusSecurityIdentity.builder()
                    .setPrincipal(new QuarkusPrincipal("key:" + k.id))
                    .addRole(ROLE)
                    .addAttribute(KEY_ID, k.id)
                    .addAttribute(KEY_TEAM, k.team.id)
                    .build());
  }

  /** Notes when a key was last used (in the caller's transaction). */
  public void used(long keyId, Instant at) {
    ApiKey.update("lastUsedAt = ?1 where id = ?2", at, keyId);
  }

  private static boolean manages(Caller caller, ApiKey key) {
    return caller.isAdmin()
        || key.owner.username.equals(caller.name())
        || (caller.isLead() && caller.sees(key.team.id));
  }

  private static boolean isAdmin(ApiKey key) {
    return AppUser.ADMIN.equals(key.owner.role);
  }

  private static ApiKeyView view(ApiKey k) {
    return new ApiKeyView(
        k.id, k.name, k.hint, k.team.id, k.team.name, k.owner.username, k.createdAt, k.lastUsedAt);
  }
}
