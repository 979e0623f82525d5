package io.kiln.backend.auth;

import io.kiln.backend.common.ApiException;
import io.kiln.core.i18n.Text;
import io.quarkus.security.identity.SecurityIdentity;
import java.util.Optional;
import java.util.Set;

/**
 * The person behind a request, and what they may see and change. Every team-owned object (dataset,
 * preset, backbone, run) is checked here: another team's object answers 404 so ids do not leak; a
 * visible object a member may not change answers 403.
 *
 * <ul>
 *   <li><b>member</b>: reads everything of their teams, creates in them, changes their own runs;
 *   <li><b>lead</b>: a member who also changes, reviews and archives every run and preset of their
 *       teams;
 *   <li><b>admin</b>: everything, in every team.
 * </ul>
 */
public final class Caller {
  /** The request header naming the team a person works in now (the UI's team picker). */
  public static final String TEAM_HEADER = "Kiln-Team";

  static final String TEAMS = "kiln.teams";
  static final String DEFAULT_TEAM = "kiln.defaultTeam";
  static final String ROLE = "kiln.role";

  /** The default team of a person in no team: they may read nothing and create nothing. */
  static final long NO_TEAM = 0;

  private final String name;
  private final String role;
  private final Set<Long> teams;
  private final long defaultTeam;
  private final Long chosenTeam;

  Caller(String name, String role, Set<Long> teams, long defaultTeam, Long chosenTeam) {
    this.name = name;
    this.role = role;
    this.teams = Set.copyOf(teams);
    this.defaultTeam = defaultTeam;
    this.chosenTeam = chosenTeam;
  }

  /**
   * The caller of a person's identity; {@code teamHeader} is the {@value #TEAM_HEADER} header, if
   * sent (a team the person is not in answers 404).
   */
  @SuppressWarnings("unchecked")
  public static Caller of(SecurityIdentity identity, String teamHeader) {
    Set<Long> teams = identity.getAttribute(TEAMS);
    Long defaultTeam = identity.getAttribute(DEFAULT_TEAM);
    String role = identity.getAttribute(ROLE);
    if (teams == null || defaultTeam == null || role == null) {
      throw new ApiException(403, "only a person's login can do this");
    }
    Long chosen = null;
    if (teamHeader != null && !teamHeader.isBlank()) {
      try {
        chosen = Long.parseLong(teamHeader.trim());
      } catch (NumberFormatException e) {
        throw ApiException.badRequest(TEAM_HEADER + " must be a team's numeric id");
      }
    }
    Caller caller = new Caller(identity.getPrincipal().getName(), role, teams, defaultTeam, chosen);
    if (chosen != null && !caller.sees(chosen)) {
      throw ApiException.notFound("team", chosen);
    }
    return caller;
  }

  /** A person's caller without a chosen team. */
  static Caller of(AuthService.Person person) {
    return new Caller(person.username(), person.role(), person.teams(), person.defaultTeam(), null);
  }

  public String name() {
    return name;
  }

  public String role() {
    return role;
  }

  public boolean isAdmin() {
    return AppUser.ADMIN.equals(role);
  }

  /** A lead or an admin: may change, review and archive every run and preset they can see. */
  public boolean isLead() {
    return isAdmin() || AppUser.LEAD.equals(role);
  }

  /** True when the caller may see objects of this team. */
  public boolean sees(Long teamId) {
    return isAdmin() || (teamId != null && teams.contains(teamId));
  }

  /**
   * The teams a list shows: the chosen team, else all of the caller's teams; empty for an admin who
   * chose none (every team).
   */
  public Optional<Set<Long>> listScope() {
    if (chosenTeam != null) {
      return Optional.of(Set.of(chosenTeam));
    }
    return isAdmin() ? Optional.empty() : Optional.of(teams);
  }

  /**
   * The team a new object goes to: the chosen one, else the caller's first team; 403 for a person
   * in no team (only an admin can be, and an admin's work goes to the first team).
   */
  public long teamForNew() {
    if (chosenTeam == null && defaultTeam == NO_TEAM) {
      throw new ApiException(403, Text.of("error.noTeam", "user", name));
    }
    return chosenTeam != null ? chosenTeam : defaultTeam;
  }

  /** The team the pages preselect: {@link #teamForNew}, or {@value #NO_TEAM} for none. */
  public long homeTeam() {
    return chosenTeam != null ? chosenTeam : defaultTeam;
  }

  /** 404 unless the caller sees the team of this object. */
  public void see(Long teamId, String what, Object id) {
    if (!sees(teamId)) {
      throw ApiException.notFound(what, id);
    }
  }

  /**
   * 404 unless the caller sees the object; 403 unless they created it or lead its team. {@code
   * action} says what is refused, in plain words ("cancel run 7").
   */
  public void change(Long teamId, String createdBy, String what, Object id, String action) {
    see(teamId, what, id);
    if (!isLead() && !name.equals(createdBy)) {
      throw new ApiException(
          403,
          "only the one who created it or a team lead may "
              + action
              + " ("
              + name
              + " is a member)");
    }
  }

  /** 404 unless the caller sees the object; 403 unless they lead its team. */
  public void lead(Long teamId, String what, Object id, String action) {
    see(teamId, what, id);
    if (!isLead()) {
      throw new ApiException(403, "only a team lead may " + action);
    }
  }
}
