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

  private final boolean mailAvailable;

  NoticeResource(Callers callers, Json json, io.kiln.backend.common.KilnConfig config) {
    this.callers = callers;
    this.json = json;
    this.mailAvailable = config.mail().from().isPresent();
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

  /** The caller's e-mail choices; {@code available} is false where the server sends no e-mail. */
  public record EmailView(
      boolean available,
      @Schema(nullable = true) String email,
      List<String> kinds,
      @Schema(enumeration = {"en", "zh-CN"}) String language) {}

  /** New e-mail choices: no address (or no events) stops e-mail. */
  public record EmailRequest(
      @Schema(nullable = true) String email,
      @Schema(nullable = true) List<String> kinds,
      @Schema(
              nullable = true,
              enumeration = {"en", "zh-CN"})
          String language) {}

  private static final java.util.regex.Pattern EMAIL =
      java.util.regex.Pattern.compile("[^@\\s<>\"]{1,64}@[^@\\s<>\"]+\\.[^@\\s<>\"]+");

  /** The event kinds a person may be told about by e-mail. */
  @GET
  @Path("/kinds")
  public List<String> kinds() {
    return WebhookService.KINDS;
  }

  @GET
  @Path("/email")
  @Transactional
  public EmailView email() {
    EmailChoice c = EmailChoice.findById(callers.current().name());
    return c == null
        ? new EmailView(mailAvailable, null, List.of(), "en")
        : new EmailView(mailAvailable, c.email, List.of(c.kinds.split(",")), c.language);
  }

  @jakarta.ws.rs.PUT
  @Path("/email")
  @Transactional
  public EmailView chooseEmail(EmailRequest body) {
    String me = callers.current().name();
    String email = body == null || body.email() == null ? "" : body.email().trim();
    List<String> kinds = body == null || body.kinds() == null ? List.of() : body.kinds();
    if (email.isEmpty() || kinds.isEmpty()) {
      EmailChoice.deleteById(me);
      return new EmailView(mailAvailable, null, List.of(), "en");
    }
    if (email.length() > 320 || !EMAIL.matcher(email).matches()) {
      throw io.kiln.backend.common.ApiException.field(
          400, "email '" + email + "' is not an e-mail address", "email", "not an address");
    }
    for (String k : kinds) {
      if (!WebhookService.KINDS.contains(k)) {
        throw io.kiln.backend.common.ApiException.field(
            400, "kinds: unknown event '" + k + "'", "kinds", "unknown");
      }
    }
    String language = body.language() == null ? "en" : body.language();
    if (!language.equals("en") && !language.equals("zh-CN")) {
      throw io.kiln.backend.common.ApiException.field(
          400, "language must be en or zh-CN", "language", "en or zh-CN");
    }
    EmailChoice c = EmailChoice.findById(me);
    boolean fresh = c == null;
    if (fresh) {
      c = new EmailChoice();
      c.username = me;
    }
    c.email = email;
    c.kinds = String.join(",", new java.util.LinkedHashSet<>(kinds));
    c.language = language;
    if (fresh) {
      c.persist();
    }
    return new EmailView(mailAvailable, c.email, List.of(c.kinds.split(",")), c.language);
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
