package io.kiln.backend.labels;

import io.kiln.backend.auth.AppUser;
import io.kiln.backend.auth.Callers;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;

/** The label checks of a dataset version: start one, list them. */
@Path("/api/datasets/{id}/label-checks")
@RolesAllowed(AppUser.USER)
public class DatasetLabelChecksResource {
  private final LabelCheckService checks;
  private final Callers callers;

  DatasetLabelChecksResource(LabelCheckService checks, Callers callers) {
    this.checks = checks;
    this.callers = callers;
  }

  /** Queues a check: one fold run per fold, on the fleet like any run. */
  @POST
  @APIResponse(
      responseCode = "201",
      description = "the queued check",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = LabelCheckView.class)))
  @ResponseStatus(201)
  public LabelCheckView start(@PathParam("id") long datasetId) {
    return checks.start(datasetId, callers.current());
  }

  /** The dataset's checks, newest first. */
  @GET
  public List<LabelCheckView> list(@PathParam("id") long datasetId) {
    return checks.list(datasetId, callers.current());
  }
}
