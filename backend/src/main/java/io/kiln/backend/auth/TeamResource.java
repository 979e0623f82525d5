package io.kiln.backend.auth;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Teams: a person lists their own (an admin every team); admins create them. */
@Path("/api/teams")
public class TeamResource {
  private final Accounts accounts;
  private final Callers callers;

  TeamResource(Accounts accounts, Callers callers) {
    this.accounts = accounts;
    this.callers = callers;
  }

  @GET
  @RolesAllowed(AppUser.USER)
  public List<Accounts.TeamView> list() {
    return accounts.teams(callers.current());
  }

  @POST
  @RolesAllowed(AppUser.ADMIN)
  @APIResponse(
      responseCode = "201",
      description = "the new team",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = Accounts.TeamView.class)))
  @ResponseStatus(201)
  public Accounts.TeamView create(Accounts.NewTeam body) {
    return accounts.createTeam(body, callers.current().name());
  }
}
