package io.kiln.backend.notify;

import io.kiln.backend.auth.AppUser;
import io.kiln.backend.auth.Callers;
import io.kiln.backend.common.Json;
import io.quarkus.panache.common.Sort;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The caller's own notices (the bell): the latest, how many are unread, marking them read. */
@Path("/api/notifications")
@RolesAllowed(AppUser.USER)
public class NoticeResource {
  private static final int LIST_SIZE = 50;
  private final Callers callers;
  private final Json json;

  private final EmailChoices emails;

  NoticeResource(Callers callers, Json json, EmailChoices emails) {
    this.callers = callers;
    this.json = json;
    this.emails = emails;
  }

  /** One notice: the event's kind, who caused it, its facts (the page words them). */
  public record NoticeView(
      long id,
      String kind,
      @Schema(nullable = true) String actor,
      @Schema(nullable = true) Long runId,
      Instant createdAt,
      boolean read,
      Map<String, Object> payload) {}

  public record Unread(long count) {}

  /** Which notices to mark read; all of the caller's when {@code ids} is left out. */
  public record ReadRequest(@Schema(nullable = true) List<Long> ids) {}

  /** The event kinds a person may be told about by e-mail. */
  @GET
  @Path("/kinds")
  public List<String> kinds() {
    return WebhookService.KINDS;
  }

  @GET
  @Path("/email")
  public EmailChoices.EmailView email() {
    return emails.of(callers.current().name());
  }

  @jakarta.ws.rs.PUT
  @Path("/email")
  public EmailChoices.EmailView chooseEmail(EmailChoices.EmailRequest body) {
    return emails.choose(callers.current().name(), body);
  }

  @GET
  @Transactional
  public List<NoticeView> list() {
    String me = callers.current().name();
    return Notice.<Notice>find("username", Sort.descending("id"), me)
        .page(0, LIST_SIZE)
        .list()
        .stream()
        .map(
            n ->
                new NoticeView(
                    n.id,
                    n.event.kind,
                    n.event.actor,
                    n.event.runId,
                    n.createdAt,
                    n.readAt != null,
                    json.readMap(n.event.payload, "event " + n.event.id)))
        .toList();
  }

  @GET
  @Path("/unread")
  @Transactional
  public Unread unread() {
    return new Unread(Notice.count("username = ?1 and readAt is null", callers.current().name()));
  }

  @POST
  @Path("/read")
  @Transactional
  public Unread read(ReadRequest body) {
    String me = callers.current().name();
    Instant now = Instant.now();
    if (body == null || body.ids() == null) {
      Notice.update("readAt = ?1 where username = ?2 and readAt is null", now, me);
    } else if (!body.ids().isEmpty()) {
      Notice.update(
          "readAt = ?1 where username = ?2 and readAt is null and id in ?3",
          now,
          me,
          body.ids().stream().limit(1000).toList());
    }
    return new Unread(Notice.count("username = ?1 and readAt is null", me));
  }
}
