package io.kiln.backend.auth;

import io.kiln.backend.audit.Audit;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.ShownText;
import io.kiln.backend.common.Tokens;
import io.kiln.core.i18n.Text;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Accounts and teams as an admin manages them, and a person's own password. */
@ApplicationScoped
public class Accounts {
  private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,39}");
  static final int MIN_PASSWORD = 10;
  private final Audit audit;
  private final AuthService auth;
  private final Event<AuthorityChanged> authorityChanged;

  Accounts(Audit audit, AuthService auth, Event<AuthorityChanged> authorityChanged) {
    this.auth = auth;
    this.audit = audit;
    this.authorityChanged = authorityChanged;
  }

  /** A team as the API shows it. */
  public record TeamView(long id, String name, long members) {}

  /** An account as the admin page shows it (never its password). */
  public record UserView(
      long id,
      String username,
      String displayName,
      @Schema(enumeration = {"member", "lead", "admin"}) String role,
      boolean disabled,
      List<TeamView> teams,
      Instant createdAt) {}

  /** A new account, or a reset password: the password is shown this once and stored hashed. */
  public record UserWithPassword(UserView user, String password) {}

  /** What an admin sends to create an account. */
  public record NewUser(String username, String displayName, String role, List<Long> teamIds) {}

  /** What an admin changes on an account; absent fields stay as they are. */
  public record UserChange(String displayName, String role, List<Long> teamIds, Boolean disabled) {}

  /** A person's new password, with the current one. */
  public record PasswordChange(String currentPassword, String newPassword) {}

  /** A new team. */
  public record NewTeam(String name) {}

  @Transactional
  public List<UserView> users() {
    return AppUser.<AppUser>listAll(Sort.ascending("username")).stream().map(this::view).toList();
  }

  @Transactional
  public UserWithPassword create(NewUser body, String admin) {
    if (body == null) {
      throw ApiException.badRequest("send a JSON object with username, role and teamIds");
    }
    String username = body.username() == null ? "" : body.username().trim();
    if (!USERNAME.matcher(username).matches()) {
      throw ApiException.field(
          400,
          "username must be 2-40 lower-case letters, digits, dots, dashes or underscores",
          "username",
          "2-40 of a-z 0-9 . _ -");
    }
    if (AppUser.byName(username).isPresent()) {
      throw ApiException.field(409, "user " + username + " already exists", "username", "taken");
    }
    AppUser user = new AppUser();
    user.username = username;
    user.displayName = displayName(body.displayName(), username);
    user.role = role(body.role() == null ? AppUser.MEMBER : body.role());
    user.teams = teams(body.teamIds(), user.role);
    String password = newPassword();
    user.passwordHash = PasswordHasher.hash(password);
    user.createdAt = Instant.now();
    user.persist();
    audit.record(
        admin,
        "user-created",
        "user " + username,
        "role " + user.role + ", teams " + names(user.teams));
    return new UserWithPassword(view(user), password);
  }

  @Transactional
  public UserView change(long id, UserChange body, String admin) {
    if (body == null) {
      throw ApiException.badRequest("send a JSON object with the fields to change");
    }
    AppUser user = user(id);
    if (body.displayName() != null) {
      user.displayName = displayName(body.displayName(), user.username);
    }
    if (body.role() != null) {
      String role = role(body.role());
      if (user.username.equals(admin) && !role.equals(AppUser.ADMIN)) {
        throw ApiException.field(
            409, "you cannot take your own admin role away", "role", "own role");
      }
      user.role = role;
    }
    if (body.teamIds() != null) {
      user.teams = teams(body.teamIds(), user.role);
    }
    requireTeam(user.teams, user.role);
    if (body.disabled() != null) {
      if (body.disabled() && user.username.equals(admin)) {
        throw ApiException.field(
            409, "you cannot disable your own account", "disabled", "own account");
      }
      user.disabled = body.disabled();
      if (user.disabled) {
        UserSession.delete("user", user);
      }
    }
    audit.record(admin, "user-changed", "user " + user.username, describe(body));
    authorityChanged.fire(new AuthorityChanged(user.username));
    return view(user);
  }

  /** A new generated password; the person's sessions end. */
  @Transactional
  public UserWithPassword resetPassword(long id, String admin) {
    AppUser user = user(id);
    String password = newPassword();
    user.passwordHash = PasswordHasher.hash(password);
    UserSession.delete("user", user);
    audit.record(admin, "password-changed", "user " + user.username, "reset by an admin");
    authorityChanged.fire(new AuthorityChanged(user.username));
    return new UserWithPassword(view(user), password);
  }

  /** A person changes their own password; their other sessions stay (they may be on a phone). */
  @Transactional
  public void changeOwnPassword(String username, PasswordChange body) {
    if (body == null || body.currentPassword() == null || body.newPassword() == null) {
      throw ApiException.badRequest("send currentPassword and newPassword");
    }
    AppUser user =
        AppUser.byName(username).orElseThrow(() -> ApiException.notFound("user", username));
    LoginThrottle.Key attempt = auth.passwordAttempt(username);
    if (!PasswordHasher.matches(body.currentPassword(), user.passwordHash)) {
      throw ApiException.field(
          400,
          "currentPassword",
          Text.of("error.currentPasswordWrong"),
          Text.of("error.currentPasswordWrong"));
    }
    auth.passwordRight(attempt);
    if (body.newPassword().length() < MIN_PASSWORD) {
      Text tooShort = Text.of("error.passwordTooShort", "min", MIN_PASSWORD);
      throw ApiException.field(400, "newPassword", tooShort, tooShort);
    }
    user.passwordHash = PasswordHasher.hash(body.newPassword());
    audit.record(username, "password-changed", "user " + username, "changed by the person");
  }

  @Transactional
  public List<TeamView> teams(Caller caller) {
    return Team.<Team>listAll(Sort.ascending("name")).stream()
        .filter(t -> caller.sees(t.id))
        .map(Accounts::view)
        .toList();
  }

  @Transactional
  public TeamView createTeam(NewTeam body, String admin) {
    String name =
        ShownText.name("name", body == null || body.name() == null ? "" : body.name().trim());
    if (name.isEmpty() || name.length() > 100) {
      throw ApiException.field(
          400, "a team needs a name of 1-100 characters", "name", "1-100 characters");
    }
    if (Team.count("lower(name)", name.toLowerCase()) > 0) {
      throw ApiException.field(409, "team " + name + " already exists", "name", "taken");
    }
    Team team = new Team();
    team.name = name;
    team.createdAt = Instant.now();
    team.persist();
    audit.record(admin, "team-created", "team " + name, null);
    return view(team);
  }

  private static AppUser user(long id) {
    AppUser user = AppUser.findById(id);
    if (user == null) {
      throw ApiException.notFound("user", id);
    }
    return user;
  }

  private static String role(String role) {
    String r = role.trim().toLowerCase();
    if (!AppUser.ROLES.contains(r)) {
      throw ApiException.field(
          400, "role must be one of " + String.join(", ", AppUser.ROLES), "role", "unknown role");
    }
    return r;
  }

  private static Set<Team> teams(List<Long> ids, String role) {
    Set<Team> teams = new HashSet<>();
    for (Long id : ids == null ? List.<Long>of() : ids) {
      Team team = id == null ? null : Team.findById(id);
      if (team == null) {
        throw ApiException.field(400, "team " + id + " does not exist", "teamIds", "no such team");
      }
      teams.add(team);
    }
    requireTeam(teams, role);
    return teams;
  }

  /** Only an admin may be in no team: a member's or lead's work must belong to one of theirs. */
  private static void requireTeam(Set<Team> teams, String role) {
    if (teams.isEmpty() && !role.equals(AppUser.ADMIN)) {
      throw ApiException.field(
          400, "a member or lead needs at least one team", "teamIds", "at least one team");
    }
  }

  private static String displayName(String given, String username) {
    String name =
        ShownText.name("displayName", given == null || given.isBlank() ? username : given.trim());
    if (name.length() > 200) {
      throw ApiException.field(
          400, "displayName is longer than 200 characters", "displayName", "too long");
    }
    return name;
  }

  private static String newPassword() {
    return Tokens.newToken("").substring(0, 20);
  }

  private UserView view(AppUser u) {
    List<TeamView> teams =
        u.teams.stream().sorted((a, b) -> a.name.compareTo(b.name)).map(Accounts::view).toList();
    return new UserView(u.id, u.username, u.displayName, u.role, u.disabled, teams, u.createdAt);
  }

  private static TeamView view(Team t) {
    return new TeamView(t.id, t.name, AppUser.count("?1 member of teams", t));
  }

  private static String names(Set<Team> teams) {
    return String.join(", ", teams.stream().map(t -> t.name).sorted().toList());
  }

  private static String describe(UserChange c) {
    StringBuilder s = new StringBuilder();
    if (c.displayName() != null) s.append("display name; ");
    if (c.role() != null) s.append("role ").append(c.role()).append("; ");
    if (c.teamIds() != null) s.append("teams ").append(c.teamIds()).append("; ");
    if (c.disabled() != null) s.append(c.disabled() ? "disabled" : "enabled");
    return s.toString().trim();
  }
}
