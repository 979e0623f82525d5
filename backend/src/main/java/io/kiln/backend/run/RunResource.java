package io.kiln.backend.run;

import io.kiln.backend.auth.AppUser;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.auth.Callers;
import io.kiln.backend.common.Conflicts;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
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
  private final Callers callers;

  private final RunReviews reviews;
  private final ModelDownload models;

  RunResource(RunService runs, Callers callers, RunReviews reviews, ModelDownload models) {
    this.reviews = reviews;
    this.models = models;
    this.runs = runs;
    this.callers = callers;
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
    return runs.create(request, callers.current());
  }

  @GET
  public List<RunView> list() {
    return runs.list(callers.current());
  }

  @GET
  @Path("/{id}")
  public RunView get(@PathParam("id") long id) {
    return runs.get(id, callers.current());
  }

  /** Every time an agent took the run, oldest first: who, when, from which epoch, how it ended. */
  @GET
  @Path("/{id}/attempts")
  public List<RunView.Attempt> attempts(@PathParam("id") long id) {
    return runs.attempts(id, callers.current());
  }

  @POST
  @Path("/{id}/cancel")
  public RunView cancel(@PathParam("id") long id) {
    Caller caller = callers.current();
    return Conflicts.retry(() -> runs.cancel(id, caller));
  }

  /** Asks the team's leads to review the ended run; they are told in the app and by webhook. */
  @POST
  @Path("/{id}/review-request")
  public RunView askForReview(@PathParam("id") long id, RunReviews.AskRequest body) {
    return reviews.askForReview(id, body, callers.current());
  }

  /** A lead approves or rejects a finished run: {"decision": "approved", "comment": "..."}. */
  @POST
  @Path("/{id}/review")
  public RunView review(@PathParam("id") long id, RunReviews.ReviewRequest body) {
    Caller caller = callers.current();
    return Conflicts.retry(() -> reviews.review(id, body, caller));
  }

  /** Tags and a note: {"tags": ["baseline"], "remarks": "..."}; absent fields stay. */
  @PUT
  @Path("/{id}/annotation")
  public RunView annotate(@PathParam("id") long id, RunReviews.Annotation body) {
    Caller caller = callers.current();
    return Conflicts.retry(() -> reviews.annotate(id, body, caller));
  }

  /** A lead hides a finished run from the default table (kept, restorable). */
  @POST
  @Path("/{id}/archive")
  public RunView archive(@PathParam("id") long id) {
    Caller caller = callers.current();
    return Conflicts.retry(() -> reviews.archive(id, true, caller));
  }

  @POST
  @Path("/{id}/restore")
  public RunView restore(@PathParam("id") long id) {
    Caller caller = callers.current();
    return Conflicts.retry(() -> reviews.archive(id, false, caller));
  }

  @GET
  @Path("/{id}/model")
  @Produces("application/zip")
  public Response model(@PathParam("id") long id) {
    ModelDownload.Download download = models.prepare(id, callers.current());
    StreamingOutput body = download::writeTo;
    return Response.ok(body, "application/zip")
        .header("Content-Disposition", "attachment; filename=\"kiln-run-" + id + "-model.zip\"")
        .build();
  }
}
