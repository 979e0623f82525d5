package io.kiln.backend.audit;

import io.quarkus.arc.Arc;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The audit log. {@link #record} writes in the caller's transaction, so an action and its line
 * commit together or not at all; {@link #recordAlone} writes in its own (a refused login, whose
 * transaction rolls back).
 */
@ApplicationScoped
public class Audit {
  /** The actions the log knows, for the admin page's filter. */
  public static final List<String> ACTIONS =
      List.of(
          "login",
          "login-failed",
          "logout",
          "dataset-uploaded",
          "backbone-uploaded",
          "pretrained-fetched",
          "pretrained-imported",
          "run-launched",
          "run-cancelled",
          "label-check-started",
          "label-check-cancelled",
          "labels-fixed",
          "suggestion-applied",
          "review-requested",
          "run-reviewed",
          "run-archived",
          "run-restored",
          "run-annotated",
          "preset-saved",
          "preset-deleted",
          "agent-enrolled",
          "agent-labelled",
          "agent-drained",
          "agent-drained-now",
          "agent-undrained",
          "agent-revoked",
          "enrollment-token-created",
          "enrollment-token-revoked",
          "api-key.create",
          "api-key.revoke",
          "user-created",
          "user-changed",
          "password-changed",
          "team-created",
          "webhook-added",
          "webhook-deleted");

  private final CurrentVertxRequest request;

  Audit(CurrentVertxRequest request) {
    this.request = request;
  }

  /** One line of the log as the API shows it. */
  public record Entry(
      long id,
      Instant at,
      String actor,
      String action,
      @Schema(nullable = true) String target,
      @Schema(nullable = true) String detail,
      @Schema(nullable = true) String address) {}

  @Transactional
  public void record(String actor, String action, String target, String detail) {
    AuditEvent event = new AuditEvent();
    event.at = Instant.now();
    event.actor = clip(actor, 100);
    event.action = action;
    event.target = clip(target, 200);
    event.detail = clip(detail, 2000);
    event.address = address();
    event.persist();
  }

  /** Writes in a transaction of its own, committed even when the caller's rolls back. */
  public void recordAlone(String actor, String action, String target, String detail) {
    QuarkusTransaction.requiringNew().run(() -> record(actor, action, target, detail));
  }

  /** The newest lines first, filtered by actor, action and time; at most {@code limit}. */
  @Transactional
  public List<Entry> search(String actor, String action, Instant since, int limit) {
    List<String> where = new ArrayList<>();
    Parameters params = new Parameters();
    if (actor != null && !actor.isBlank()) {
      where.add("actor = :actor");
      params.and("actor", actor.trim());
    }
    if (action != null && !action.isBlank()) {
      where.add("action = :action");
      params.and("action", action.trim());
    }
    if (since != null) {
      where.add("at >= :since");
      params.and("since", since);
    }
    var query =
        where.isEmpty()
            ? AuditEvent.<AuditEvent>findAll(Sort.descending("id"))
            : AuditEvent.<AuditEvent>find(
                String.join(" and ", where), Sort.descending("id"), params);
    return query.page(Page.ofSize(limit)).list().stream()
        .map(e -> new Entry(e.id, e.at, e.actor, e.action, e.target, e.detail, e.address))
        .toList();
  }

  private String address() {
    if (!Arc.container().requestContext().isActive()) {
      return null; // the autopilot, the lease sweeper: no request
    }
    var current = request.getCurrent();
    if (current == null || current.request().remoteAddress() == null) {
      return null;
    }
    return current.request().remoteAddress().hostAddress();
  }

  private static String clip(String value, int max) {
    return value == null || value.length() <= max ? value : value.substring(0, max);
  }
}
