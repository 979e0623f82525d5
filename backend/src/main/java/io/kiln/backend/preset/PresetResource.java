package io.kiln.backend.preset;

import io.kiln.backend.auth.AppUser;
import io.kiln.backend.auth.Callers;
import io.kiln.backend.common.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;

/**
 * Built-in and custom presets; a preview of what a preset becomes on a dataset, with a time
 * estimate.
 */
@Path("/api/presets")
@RolesAllowed(AppUser.USER)
public class PresetResource {
  private final PresetService presets;
  private final PresetPlanner planner;
  private final Callers callers;

  PresetResource(PresetService presets, PresetPlanner planner, Callers callers) {
    this.presets = presets;
    this.planner = planner;
    this.callers = callers;
  }

  @GET
  public List<PresetView> list() {
    return presets.list(callers.current());
  }

  @GET
  @Path("/{id}")
  public PresetView get(@PathParam("id") String id) {
    return presets.get(id, callers.current());
  }

  /**
   * {"name", "description", "fields": {...}, "basedOn": "balanced"}: validated like a run recipe.
   */
  @POST
  @APIResponse(
      responseCode = "201",
      description = "the new custom preset",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = PresetView.class)))
  @ResponseStatus(201)
  public PresetView create(PresetRequests.PresetBody body) {
    return presets.create(body, callers.current());
  }

  @PUT
  @Path("/{id}")
  public PresetView update(@PathParam("id") String id, PresetRequests.PresetBody body) {
    return presets.update(id, body, callers.current());
  }

  @DELETE
  @Path("/{id}")
  @ResponseStatus(204)
  public void delete(@PathParam("id") String id) {
    presets.delete(id, callers.current());
  }

  /**
   * What launching this preset on a dataset would train: {"datasetId": 1, "fields": {...overrides},
   * "undoAdjustments": ["learningRate"], "agentId": 2}. Returns the recipe, the adjustments with
   * their reasons, and an estimate of the time per epoch.
   */
  /**
   * What a dataset can start from (pretrained weights, finished runs, backbones; each usable or
   * not, with why) and the wizard's default goal, preset and starting weights (T13).
   */
  @GET
  @Path("/starting-points")
  public StartingPointsView startingPoints(@QueryParam("datasetId") Long datasetId) {
    if (datasetId == null) {
      throw ApiException.field(400, "datasetId is required", "datasetId", "is required");
    }
    return planner.startingPoints(datasetId, callers.current());
  }

  @POST
  @Path("/{id}/preview")
  public PresetRequests.PresetPreview preview(
      @PathParam("id") String id, PresetRequests.PreviewRequest body) {
    return planner.preview(id, body, callers.current());
  }
}
