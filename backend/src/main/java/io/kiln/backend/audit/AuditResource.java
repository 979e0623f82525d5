package io.kiln.backend.audit;

import io.kiln.backend.common.ApiException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/** The audit log for admins: who logged in, launched, reviewed, enrolled or changed what. */
@Path("/api/audit")
@RolesAllowed("admin")
public class AuditResource {
  private final Audit audit;

  AuditResource(Audit audit) {
    this.audit = audit;
  }

  /**
   * The newest entries first. {@code actor} and {@code action} filter exactly; {@code since} is an
   * ISO-8601 instant; {@code limit} is 1-1000 (default 200).
   */
  @GET
  public List<Audit.Entry> list(
      @QueryParam("actor") String actor,
      @QueryParam("action") String action,
      @QueryParam("since") String since,
      @QueryParam("limit") Integer limit) {
    int size = limit == null ? 200 : limit;
    if (size < 1 || size > 1000) {
      throw ApiException.field(400, "limit must be between 1 and 1000", "limit", "1-1000");
    }
    if (action != null && !action.isBlank() && !Audit.ACTIONS.contains(action.trim())) {
      throw ApiException.field(
          400, "action must be one of " + String.join(", ", Audit.ACTIONS), "action", "unknown");
    }
    Instant from = null;
    if (since != null && !since.isBlank()) {
      try {
        from = Instant.parse(since.trim());
      } catch (DateTimeParseException e) {
        throw ApiException.field(
            400,
            "since must be an ISO-8601 instant such as 2026-11-29T10:00:00Z",
            "since",
            "not an instant");
      }
    }
    return audit.search(actor, action, from, size);
  }

  /** The actions an entry can have. */
  @GET
  @Path("/actions")
  public List<String> actions() {
    return Audit.ACTIONS;
  }
}
