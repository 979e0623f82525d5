package io.kiln.backend.advice;

import io.kiln.backend.auth.AppUser;
import io.kiln.backend.auth.Callers;
import io.kiln.backend.run.RunService;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

/** The autopilot series a run belongs to, told as one story. */
@Path("/api/runs/{id}/autopilot")
@RolesAllowed(AppUser.USER)
public class AutopilotResource {
  private final SeriesStory stories;
  private final Callers callers;
  private final RunService runs;

  AutopilotResource(SeriesStory stories, Callers callers, RunService runs) {
    this.stories = stories;
    this.callers = callers;
    this.runs = runs;
  }

  /** The series (its start, each follow-up run and its gain); no steps for a run without one. */
  @GET
  public AutopilotStory story(@PathParam("id") long runId) {
    runs.visible(runId, callers.current());
    return stories.of(runId);
  }
}
