package io.kiln.backend.metrics;

import io.kiln.backend.auth.AppUser;
import io.kiln.backend.auth.Callers;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.run.RunService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** A run's metric points: in sequence order for the charts, or as a CSV or JSON download. */
@Path("/api/runs/{id}/metrics")
@RolesAllowed(AppUser.USER)
public class MetricResource {
  private final MetricService metrics;
  private final RunService runs;

  private final Callers callers;

  MetricResource(MetricService metrics, RunService runs, Callers callers) {
    this.metrics = metrics;
    this.runs = runs;
    this.callers = callers;
  }

  /** Metric points in sequence order; {@code afterSeq} returns only newer ones. */
  @GET
  public List<MetricView> metrics(@PathParam("id") long id, @QueryParam("afterSeq") Long afterSeq) {
    runs.visible(id, callers.current());
    return metrics.list(id, afterSeq == null ? -1 : afterSeq);
  }

  /** Every metric point for download: {@code format=csv} (one column per value) or {@code json}. */
  @GET
  @Path("/export")
  @APIResponse(
      responseCode = "200",
      description = "a download: CSV (one column per value name) or JSON",
      content = {
        @Content(mediaType = "text/csv"),
        @Content(
            mediaType = "application/json",
            schema = @Schema(type = SchemaType.ARRAY, implementation = MetricView.class))
      })
  public Response export(@PathParam("id") long id, @QueryParam("format") String format) {
    runs.visible(id, callers.current());
    List<MetricView> points = metrics.list(id, -1);
    String disposition = "attachment; filename=\"run-" + id + "-metrics.";
    if (format == null || "csv".equals(format)) {
      return Response.ok(MetricCsv.write(points), "text/csv")
          .header("Content-Disposition", disposition + "csv\"")
          .build();
    }
    if ("json".equals(format)) {
      return Response.ok(points, MediaType.APPLICATION_JSON)
          .header("Content-Disposition", disposition + "json\"")
          .build();
    }
    throw ApiException.badRequest("format must be csv or json, was '" + format + "'");
  }
}
