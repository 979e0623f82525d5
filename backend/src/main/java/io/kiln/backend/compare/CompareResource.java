package io.kiln.backend.compare;

import io.kiln.backend.auth.AppUser;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.auth.Callers;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.Languages;
import io.kiln.backend.metrics.MetricService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Runs side by side, for a team lead: {@code ?runs=3,7,12} (2-8 runs of the caller's teams). */
@Path("/api/compare")
@RolesAllowed(AppUser.USER)
public class CompareResource {
  private final CompareService compare;
  private final Callers callers;

  CompareResource(CompareService compare, Callers callers) {
    this.compare = compare;
    this.callers = callers;
  }

  /**
   * The runs, the recipe fields that differ (with explanations and trick IDs), results with deltas
   * against the first run, per-class recall and a summary sentence per run.
   */
  @GET
  public CompareService.CompareView compare(
      @QueryParam("runs") String runs, @Context HttpHeaders headers) {
    return compare
        .report(CompareService.parse(runs), callers.current(), Languages.of(headers))
        .view();
  }

  /**
   * The runs' curves for the overlaid charts: every epoch point and at most {@code maxSteps} step
   * points per run (default 1,000; every k-th, {@code every} says which).
   */
  @GET
  @Path("/curves")
  public List<MetricService.Curves> curves(
      @QueryParam("runs") String runs, @QueryParam("maxSteps") Integer maxSteps) {
    int max = maxSteps == null ? 1000 : maxSteps;
    if (max < 10 || max > 100_000) {
      throw ApiException.field(
          400, "maxSteps must be between 10 and 100000", "maxSteps", "10-100000");
    }
    Caller caller = callers.current();
    return CompareService.parse(runs).stream().map(id -> compare.curves(id, max, caller)).toList();
  }

  /** The comparison as a download: {@code format=csv} or {@code html} (a self-contained report). */
  @GET
  @Path("/export")
  @APIResponse(
      responseCode = "200",
      description = "a download: CSV, one row per run, or a self-contained HTML report",
      content = {@Content(mediaType = "text/csv"), @Content(mediaType = "text/html")})
  public Response export(@QueryParam("runs") String runs, @QueryParam("format") String format) {
    String kind = format == null ? "html" : format;
    if (!kind.equals("csv") && !kind.equals("html")) {
      throw ApiException.field(
          400, "format must be csv or html, was '" + format + "'", "format", "csv or html");
    }
    var ids = CompareService.parse(runs);
    CompareService.Report report = compare.report(ids, callers.current());
    String name = "kiln-compare-" + String.join("-", ids.stream().map(String::valueOf).toList());
    String body =
        kind.equals("csv") ? ComparisonCsv.csv(report.view()) : ComparisonReport.html(report);
    return Response.ok(
            body, kind.equals("csv") ? "text/csv; charset=utf-8" : "text/html; charset=utf-8")
        .header("Content-Disposition", "attachment; filename=\"" + name + "." + kind + "\"")
        .header(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
        .build();
  }
}
