package io.kiln.backend.run;

import io.kiln.backend.auth.AppUser;
import io.kiln.backend.common.Conflicts;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;

/**
 * Launch, list, inspect and cancel runs; download their model. Their metrics: {@code
 * metrics.MetricResource}.
 */
@Path("/api/runs")
@RolesAllowed(AppUser.USER)
public class RunResource {
  private final RunService runs;
  private final SecurityIdentity identity;

  RunResource(RunService runs, SecurityIdentity identity) {
    this.runs = runs;
    this.identity = identity;
  }

  @POST
  @APIResponse(
      responseCode = "201",
      description = "the queued run",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = RunView.class)))
  @ResponseStatus(201)
  public RunView create(RunRequest request) {
    return runs.create(request, identity.getPrincipal().getName());
  }

  @GET
  public List<RunView> list() {
    return runs.list();
  }

  @GET
  @Path("/{id}")
  public RunView get(@PathParam("id") long id) {
    return runs.get(id);
  }

  @POST
  @Path("/{id}/cancel")
  public RunView cancel(@PathParam("id") long id) {
    return Conflicts.retry(() -> runs.cancel(id));
  }

  @GET
  @Path("/{id}/model")
  @Produces("application/zip")
  public Response model(@PathParam("id") long id) {
    java.nio.file.Path file = runs.model(id);
    return Response.ok(file.toFile(), "application/zip")
        .header("Content-Disposition", "attachment; filename=\"kiln-run-" + id + "-model.zip\"")
        .build();
  }
}
