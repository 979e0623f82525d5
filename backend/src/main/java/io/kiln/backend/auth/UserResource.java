package io.kiln.backend.auth;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Accounts, for admins: create (the password is shown once), change, disable, reset. */
@Path("/api/users")
@RolesAllowed(AppUser.ADMIN)
public class UserResource {
  private final Accounts accounts;
  private final SecurityIdentity identity;

  UserResource(Accounts accounts, SecurityIdentity identity) {
    this.accounts = accounts;
    this.identity = identity;
  }

  @GET
  public List<Accounts.UserView> list() {
    return accounts.users();
  }

  @POST
  @APIResponse(
      responseCode = "201",
      description = "the new account and its initial password (shown only this once)",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = Accounts.UserWithPassword.class)))
  @ResponseStatus(201)
  public Accounts.UserWithPassword create(Accounts.NewUser body) {
    return accounts.create(body, admin());
  }

  @PUT
  @Path("/{id}")
  public Accounts.UserView change(@PathParam("id") long id, Accounts.UserChange body) {
    return accounts.change(id, body, admin());
  }

  @POST
  @Path("/{id}/password")
  public Accounts.UserWithPassword resetPassword(@PathParam("id") long id) {
    return accounts.resetPassword(id, admin());
  }

  private String admin() {
    return identity.getPrincipal().getName();
  }
}
