package io.kiln.backend.auth;

import io.kiln.backend.audit.Audit;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.common.Tokens;
import io.kiln.core.i18n.Text;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Logins, sessions and the first admin account. */
@ApplicationScoped
public class AuthService {
  static final String SESSION_PREFIX = "ks_";
  private static final String DUMMY = PasswordHasher.hash("no such user");
  private final KilnConfig config;

  /** Failures free for one name from one address, and for one name from everywhere together. */
  static final int FREE_AT_ADDRESS = 5;

  static final int FREE_FOR_NAME = 50;
  private final LoginThrottle throttle;

  private final Audit audit;

  private final Event<AuthorityChanged> authorityChanged;

  AuthService(KilnConfig config, Audit audit, Event<AuthorityChanged> authorityChanged) {
    this.config = config;
    this.audit = audit;
    this.authorityChanged = authorityChanged;
    this.throttle =
        new LoginThrottle(FREE_AT_ADDRESS, Duration.ofSeconds(config.loginBackoffSeconds()));
  }

  /**
   * A new session for valid credentials; the same vague error for a wrong name or password or a
   * disabled account. After 5 failures for a name from one address, or 50 for a name from anywhere,
   * each further failure doubles the wait before the next attempt (from {@code
   * kiln.login-backoff-seconds}, 1 s, up to 15 min): a 429 with {@code Retry-After} until then. The
   * attempt is counted before the password is checked, so simultaneous attempts cannot race past
   * the count; a name tried from one address never slows the same name from another, nor another
   * name from the same address (where every client may share the proxy's address unless {@code
   * quarkus.http.proxy} trusts its forwarded header).
   */
  @Transactional
  public LoginResult login(String username, String password, String address) {
    if (username == null || username.isBlank() || password == null || password.isEmpty()) {
      throw ApiException.badRequest("username and password are required");
    }
    String userKey = username.trim().toLowerCase(Locale.ROOT);
    LoginThrottle.Key[] keys = {
      new LoginThrottle.Key("login:" + userKey + "@" + address, FREE_AT_ADDRESS),
      new LoginThrottle.Key("login:" + userKey, FREE_FOR_NAME)
    };
    refuseWhileWaiting(throttle.attempt(Instant.now(), keys));
    // An unknown name costs one hash too, so the answer's timing does not tell which names exist.
    Optional<AppUser> named = AppUser.byName(username.trim());
    boolean matches =
        PasswordHasher.matches(password, named.map(u -> u.passwordHash).orElse(DUMMY));
    Optional<AppUser> found = named.filter(u -> matches);
    if (found.isEmpty()) {
      audit.recordAlone(userKey, "login-failed", null, "wrong username or password");
      throw new ApiException(401, Text.of("error.wrongLogin"));
    }
    if (found.get().disabled) {
      // The same answer as a wrong password: a right one must not tell that it is right.
      audit.recordAlone(userKey, "login-failed", null, "the account is disabled");
      throw new ApiException(401, Text.of("error.wrongLogin"));
    }
    throttle.succeeded(keys);
    AppUser user = found.get();
    String token = Tokens.newToken(SESSION_PREFIX);
    UserSession session = new UserSession();
    session.tokenHash = Tokens.digest(token);
    session.user = user;
    session.createdAt = Instant.now();
    session.expiresAt = session.createdAt.plus(Duration.ofHours(config.sessionHours()));
    session.persist();
    audit.record(user.username, "login", null, null);
    return new LoginResult(token, user.username, user.role, session.expiresAt);
  }

  @Transactional
  public String displayName(String username) {
    return AppUser.byName(username).map(u -> u.displayName).orElse(username);
  }

  @Transactional
  public void logout(String token) {
    UserSession.<UserSession>find("tokenHash", Tokens.digest(token))
        .firstResultOptional()
        .ifPresent(
            s -> {
              audit.record(s.user.username, "logout", null, null);
              s.delete();
              authorityChanged.fire(new AuthorityChanged(s.user.username));
            });
  }

  /** A person as a request sees them: name, role, teams and the team new objects go to. */
  public record Person(String username, String role, Set<Long> teams, long defaultTeam) {}

  /** The enabled person behind a live session token. */
  @Transactional
  public Optional<Person> personForToken(String token) {
    return UserSession.<UserSession>find("tokenHash", Tokens.digest(token))
        .firstResultOptional()
        .filter(s -> s.expiresAt.isAfter(Instant.now()))
        .map(s -> s.user)
        .filter(u -> !u.disabled)
        .map(AuthService::person);
  }

  private static Person person(AppUser user) {
    Set<Long> teams = user.teams.stream().map(t -> t.id).collect(Collectors.toSet());
    // An admin in no team creates in the first team; anyone else in none creates nowhere.
    long first =
        teams.stream()
            .min(Long::compare)
            .orElseGet(
                () ->
                    AppUser.ADMIN.equals(user.role)
                        ? Team.<Team>findAll(Sort.ascending("id"))
                            .firstResultOptional()
                            .map(t -> t.id)
                            .orElse(Caller.NO_TEAM)
                        : Caller.NO_TEAM);
    return new Person(user.username, user.role, teams, first);
  }

  /**
   * The admin account created at first start; {@code generatedPassword} is empty when it was
   * configured.
   */
  public record AdminCreated(Optional<String> generatedPassword) {}

  /** Creates the admin account when there is no user yet. */
  @Transactional
  public Optional<AdminCreated> ensureAdmin() {
    if (AppUser.count() > 0) {
      return Optional.empty();
    }
    Optional<String> configured = config.adminPassword().filter(p -> !p.isBlank());
    String password = configured.orElseGet(() -> Tokens.newToken("").substring(0, 20));
    AppUser admin = new AppUser();
    admin.username = "admin";
    admin.passwordHash = PasswordHasher.hash(password);
    admin.role = AppUser.ADMIN;
    admin.displayName = "Administrator";
    admin.createdAt = Instant.now();
    Team.<Team>findAll(Sort.ascending("id")).firstResultOptional().ifPresent(admin.teams::add);
    admin.persist();
    return Optional.of(
        new AdminCreated(configured.isPresent() ? Optional.empty() : Optional.of(password)));
  }

  /**
   * Counts one attempt to change {@code username}'s password with its current one: throttled like a
   * login (5 free failures, then a doubling wait), so a stolen session cannot guess the password.
   * Returns the key to clear when the current password was right.
   */
  LoginThrottle.Key passwordAttempt(String username) {
    LoginThrottle.Key key =
        new LoginThrottle.Key("password:" + username.toLowerCase(Locale.ROOT), FREE_AT_ADDRESS);
    refuseWhileWaiting(throttle.attempt(Instant.now(), key));
    return key;
  }

  void passwordRight(LoginThrottle.Key key) {
    throttle.succeeded(key);
  }

  private static void refuseWhileWaiting(Duration wait) {
    if (!wait.isZero()) {
      long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
      throw new ApiException(429, Text.of("error.tooManyLogins", "seconds", seconds))
          .retryAfter(seconds);
    }
  }

  /** What a successful login returns. */
  public record LoginResult(String token, String username, String role, Instant expiresAt) {}
}
