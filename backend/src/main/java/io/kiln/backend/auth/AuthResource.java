package io.kiln.backend.auth;

import io.kiln.backend.common.OriginCheck;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirements;

/** Log in and out; the token is both set as an HttpOnly cookie and returned for API clients. */
@Path("/api/auth")
public class AuthResource {
  public static final String COOKIE = "kiln_session";
  private final AuthService auth;
  private final SecurityIdentity identity;

  private final Accounts accounts;
  private final Callers callers;

  private final OriginCheck origins;

  AuthResource(
      AuthService auth,
      SecurityIdentity identity,
      Accounts accounts,
      Callers callers,
      OriginCheck origins) {
    this.origins = origins;
    this.auth = auth;
    this.identity = identity;
    this.accounts = accounts;
    this.callers = callers;
  }

  /** Credentials of a login request. */
  public record Credentials(String username, String password) {}

  /**
   * A new session: the token (also set as the {@code kiln_session} cookie) for {@code
   * Authorization: Bearer}.
   */
  public record Session(String token, String username, String role, Instant expiresAt) {}

  /**
   * Who the caller is: role is member, lead or admin; teams are those they see (an admin: every
   * team); new objects go to defaultTeamId unless the request names a team ({@code Kiln-Team}).
   */
  public record Me(
      String username,
      String displayName,
      @Schema(enumeration = {"member", "lead", "admin"}) String role,
      Set<String> roles,
      List<Accounts.TeamView> teams,
      long defaultTeamId) {}

  @POST
  @Path("/login")
  @PermitAll
  @SecurityRequirements
  @APIResponse(
      responseCode = "200",
      description = "logged in; the cookie is set",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = Session.class)))
  public Response login(Credentials credentials, @Context HttpServerRequest request) {
    Credentials given = credentials == null ? new Credentials(null, null) : credentials;
    String address =
        request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    AuthService.LoginResult result = auth.login(given.username(), given.password(), address);
    int maxAge = (int) Duration.between(Instant.now(), result.expiresAt()).toSeconds();
    NewCookie cookie =
        new NewCookie.Builder(COOKIE)
            .value(result.token())
            .path("/")
            .httpOnly(true)
            .sameSite(NewCookie.SameSite.STRICT)
            .secure(origins.secure())
            .maxAge(maxAge)
            .build();
    return Response.ok(
            new Session(result.token(), result.username(), result.role(), result.expiresAt()))
        .cookie(cookie)
        .build();
  }

  @POST
  @Path("/logout")
  @APIResponse(responseCode = "204", description = "the session is over; the cookie is cleared")
  @PermitAll
  @SecurityRequirements
  public Response logout(
      @CookieParam(COOKIE) String cookie, @HeaderParam("Authorization") String header) {
    String token =
        header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
            ? header.substring(7).trim()
            : cookie;
    if (token != null && !token.isBlank()) {
      auth.logout(token);
    }
    NewCookie expired = new NewCookie.Builder(COOKIE).value("").path("/").maxAge(0).build();
    return Response.noContent().cookie(expired).build();
  }

  @GET
  @Path("/me")
  @RolesAllowed(AppUser.USER)
  public Me me() {
    Caller caller = Caller.of(identity, null);
    return new Me(
        caller.name(),
        auth.displayName(caller.name()),
        caller.role(),
        identity.getRoles(),
        accounts.teams(caller),
        caller.homeTeam());
  }

  /** A person changes their own password (the current one is required). */
  @POST
  @Path("/password")
  @RolesAllowed(AppUser.USER)
  @APIResponse(responseCode = "204", description = "changed")
  public void changePassword(Accounts.PasswordChange body) {
    accounts.changeOwnPassword(callers.current().name(), body);
  }
}
