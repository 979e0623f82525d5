package io.kiln.backend.run;

import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.Conflicts;
import io.kiln.backend.metrics.MetricCsv;
import io.kiln.backend.metrics.MetricService;
import io.kiln.backend.metrics.MetricView;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** Launch, list, inspect and cancel runs; read their metrics and download their model. */
@Path("/api/runs")
@Authenticated
public class RunResource {
  private final RunService runs;
  private final MetricService metrics;
  private final SecurityIdentity identity;

  RunResource(RunService runs, MetricService metrics, SecurityIdentity identity) {
    this.runs = runs;
    this.metrics = metrics;
    this.identity = identity;
  }

  @POST
  public Response create(Map<String, Object> request) {
    return Response.status(201).entity(runs.create(request, identity.getPrincipal().getName())).build();
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

  /** Metric points in sequence order; {@code afterSeq} returns only newer ones. */
  @GET
  @Path("/{id}/metrics")
  public List<MetricView> metrics(@PathParam("id") long id, @QueryParam("afterSeq") Long afterSeq) {
    runs.get(id);
    return metrics.list(id, afterSeq == null ? -1 : afterSeq);
  }

  /** Every metric point for download: {@code format=csv} (one column per value) or {@code json}. */
  @GET
  @Path("/{id}/metrics/export")
  public Response export(@PathParam("id") long id, @QueryParam("format") String format) {
    runs.get(id);
    List<MetricView> points = metrics.list(id, -1);
    String disposition = "attachment; filename=\"run-" + id + "-metrics.";
    if (format == null || "csv".equals(format)) {
      return Response.ok(MetricCsv.write(points), "text/csv")
          .header("Content-Disposition", disposition + "csv\"").build();
    }
    if ("json".equals(format)) {
      return Response.ok(points, MediaType.APPLICATION_JSON)
          .header("Content-Disposition", disposition + "json\"").build();
    }
    throw ApiException.badRequest("format must be csv or json, was '" + format + "'");
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
        .header("Content-Disposition", "attachment; filename=\"kiln-run-" + id + "-model.zip\"").build();
  }
}
