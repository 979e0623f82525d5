package io.kiln.backend.advice;

import io.kiln.backend.auth.AppUser;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.auth.Callers;
import io.kiln.backend.run.RunService;
import io.kiln.backend.run.RunView;
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

/** A run's tuning suggestions (rules A1-A9) and "apply as a new run". */
@Path("/api/runs/{id}/suggestions")
@RolesAllowed(AppUser.USER)
public class AdviceResource {
  private final AdviceService advice;
  private final Callers callers;

  private final RunService runs;

  AdviceResource(AdviceService advice, Callers callers, RunService runs) {
    this.runs = runs;
    this.advice = advice;
    this.callers = callers;
  }

  @GET
  public List<AdviceView> list(@PathParam("id") long runId) {
    runs.visible(runId, callers.current());
    return advice.list(runId);
  }

  /** Creates the child run with the suggestion's patch; 201 with the child. */
  @POST
  @Path("/{suggestionId}/apply")
  @APIResponse(
      responseCode = "201",
      description = "the queued child run",
      content =
          @Content(
              mediaType = "application/json",
              schema = @Schema(implementation = RunView.class)))
  @ResponseStatus(201)
  public RunView apply(@PathParam("id") long runId, @PathParam("suggestionId") long suggestionId) {
    Caller caller = callers.current();
    runs.mayChange(runId, caller, "apply a suggestion of run " + runId);
    return advice.apply(runId, suggestionId, caller.name(), null);
  }
}
