package io.kiln.backend.labels;

import io.kiln.backend.auth.AppUser;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.auth.Callers;
import io.kiln.backend.common.Conflicts;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

/** A label check: follow it, cancel it, apply the person's choices on its findings. */
@Path("/api/label-checks/{id}")
@RolesAllowed(AppUser.USER)
public class LabelCheckResource {
  private final LabelCheckService checks;
  private final LabelFixes fixes;
  private final Callers callers;

  LabelCheckResource(LabelCheckService checks, LabelFixes fixes, Callers callers) {
    this.checks = checks;
    this.fixes = fixes;
    this.callers = callers;
  }

  @GET
  public LabelCheckView get(@PathParam("id") long id) {
    return checks.get(id, callers.current());
  }

  @POST
  @Path("/cancel")
  public LabelCheckView cancel(@PathParam("id") long id) {
    Caller caller = callers.current();
    return Conflicts.retry(() -> checks.cancel(id, caller));
  }

  /** Moves, removes and keeps flagged images; moved or removed ones make a new dataset version. */
  @POST
  @Path("/fixes")
  public LabelFixes.FixResult fix(@PathParam("id") long id, LabelFixes.FixRequest request) {
    return fixes.apply(id, request, callers.current());
  }
}
