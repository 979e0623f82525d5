package io.kiln.backend.auth;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;

/** A person's API keys for predictions: create (the secret is shown once), list, revoke. */
@Path("/api/api-keys")
@RolesAllowed(AppUser.USER)
public class ApiKeyResource {
  private final ApiKeys keys;
  private final Callers callers;

  ApiKeyResource(ApiKeys keys, Callers callers) {
    this.keys = keys;
    this.callers = callers;
  }

  @GET
  public List<ApiKeys.ApiKeyView> list() {
    return keys.list(callers.current());
  }

  @POST
  @APIResponse(
      responseCode = "201",
      description = "the new key and its secret (shown only this once)",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = ApiKeys.CreatedApiKey.class)))
  @ResponseStatus(201)
  public ApiKeys.CreatedApiKey create(ApiKeys.NewApiKey body) {
    return keys.create(body, callers.current());
  }

  @DELETE
  @Path("/{id}")
  @ResponseStatus(204)
  public void revoke(@PathParam("id") long id) {
    keys.revoke(id, callers.current());
  }
}
