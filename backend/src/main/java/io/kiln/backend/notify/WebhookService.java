package io.kiln.backend.notify;

import io.kiln.backend.audit.Audit;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.Json;
import io.kiln.backend.common.Tokens;
import io.kiln.core.notify.EventKind;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A team's webhooks: a lead of the team (or an admin) adds, lists, tests and deletes them and reads
 * their delivery log. An address inside private or internal ranges is refused unless an admin
 * allows it (no SSRF from a team's settings).
 */
@ApplicationScoped
public class WebhookService {
  static final int MAX_PER_TEAM = 20;
  private static final int LOG_SIZE = 50;

  /** The kinds a person may be told about (every event kind but the test). */
  public static final List<String> KINDS =
      Arrays.stream(EventKind.values())
          .filter(k -> k != EventKind.TEST)
          .map(EventKind::key)
          .toList();

  /** The kinds a team's webhook may want: its team's events (not the fleet's). */
  public static final List<String> TEAM_KINDS =
      KINDS.stream()
          .filter(
              k ->
                  !k.equals(EventKind.AGENT_REVOKED.key())
                      && !k.equals(EventKind.AGENT_OFFLINE.key()))
          .toList();

  private final Audit audit;
  private final Event<Outbox.Written> written;
  private final Json json;

  WebhookService(Audit audit, Event<Outbox.Written> written, Json json) {
    this.json = json;
    this.audit = audit;
    this.written = written;
  }

  /** A new webhook: the address, the body's format, the events it wants (all when left out). */
  public record WebhookRequest(
      @Schema(nullable = true) Long teamId,
      String url,
      @Schema(
              nullable = true,
              enumeration = {"kiln", "slack"})
          String format,
      @Schema(nullable = true) List<String> kinds,
      @Schema(nullable = true) Boolean allowPrivate) {}

  /** A webhook as its team's leads see it, with the secret its deliveries are signed with. */
  public record WebhookView(
      long id,
      long teamId,
      String url,
      @Schema(enumeration = {"kiln", "slack"}) String format,
      List<String> kinds,
      boolean allowPrivate,
      String secret,
      String createdBy,
      Instant createdAt,
      long delivered,
      long failed,
      long pending) {
    static WebhookView of(Webhook w) {
      return new WebhookView(
          w.id,
          w.teamId,
          w.url,
          w.format,
          List.of(w.kinds.split(",")),
          w.allowPrivate,
          w.secret,
          w.createdBy,
          w.createdAt,
          Delivery.count("webhookId = ?1 and state = ?2", w.id, Delivery.DELIVERED),
          Delivery.count("webhookId = ?1 and state = ?2", w.id, Delivery.FAILED),
          Delivery.count("webhookId = ?1 and state = ?2", w.id, Delivery.PENDING));
    }
  }

  /** One delivery in the log: the event, how it went, the receiver's answer. */
  public record DeliveryView(
      long id,
      long eventId,
      String kind,
      @Schema(enumeration = {"pending", "delivered", "failed"}) String state,
      int attempts,
      @Schema(nullable = true) Integer status,
      @Schema(nullable = true) String error,
      @Schema(nullable = true) Long millis,
      Instant createdAt,
      @Schema(nullable = true) Instant deliveredAt,
      @Schema(nullable = true) Instant nextAttemptAt) {
    static DeliveryView of(Delivery d) {
      return new DeliveryView(
          d.id,
          d.event.id,
          d.event.kind,
          d.state,
          d.attempts,
          d.lastStatus,
          d.lastError,
          d.lastMillis,
          d.createdAt,
          d.deliveredAt,
          Delivery.PENDING.equals(d.state) ? d.nextAttemptAt : null);
    }
  }

  /** 403 unless the caller leads a team (or is an admin): webhooks carry their team's secrets. */
  static void leadsOnly(Caller caller, String action) {
    if (!caller.isLead()) {
      throw new ApiException(403, "only a team lead may " + action);
    }
  }

  @Transactional
  public List<WebhookView> list(Caller caller) {
    leadsOnly(caller, "see the team's webhooks");
    return Webhook.<Webhook>findAll(Sort.by("id")).stream()
        .filter(w -> caller.sees(w.teamId))
        .map(WebhookView::of)
        .toList();
  }

  @Transactional
  public WebhookView create(WebhookRequest body, Caller caller) {
    leadsOnly(caller, "add a webhook");
    if (body == null) {
      throw ApiException.badRequest("send url, and optionally teamId, format and kinds");
    }
    long teamId = body.teamId() != null ? body.teamId() : caller.teamForNew();
    caller.lead(teamId, "team", teamId, "add a webhook to the team");
    String url = url(body.url());
    boolean allowPrivate = Boolean.TRUE.equals(body.allowPrivate());
    if (allowPrivate && !caller.isAdmin()) {
      throw ApiException.field(
          403,
          "only an admin may allow a webhook to reach a private or internal address",
          "allowPrivate",
          "admins only");
    }
    String refused = WebhookSender.refusal(URI.create(url), allowPrivate);
    if (refused != null) {
      throw ApiException.field(400, "url: " + refused, "url", refused);
    }
    String format = body.format() == null ? Webhook.KILN : body.format().trim().toLowerCase();
    if (!format.equals(Webhook.KILN) && !format.equals(Webhook.SLACK)) {
      throw ApiException.field(400, "format must be kiln or slack", "format", "kiln or slack");
    }
    Set<String> kinds = new LinkedHashSet<>();
    for (String k : body.kinds() == null ? TEAM_KINDS : body.kinds()) {
      if (k == null || !TEAM_KINDS.contains(k)) {
        throw ApiException.field(
            400,
            "kinds: unknown event '" + k + "' (one of " + TEAM_KINDS + ")",
            "kinds",
            "unknown");
      }
      kinds.add(k);
    }
    if (kinds.isEmpty()) {
      throw ApiException.field(400, "kinds: choose at least one event", "kinds", "empty");
    }
    if (Webhook.count("teamId", teamId) >= MAX_PER_TEAM) {
      throw new ApiException(409, "a team has at most " + MAX_PER_TEAM + " webhooks");
    }
    Webhook w = new Webhook();
    w.teamId = teamId;
    w.url = url;
    w.secret = Tokens.newToken("whsec_");
    w.format = format;
    w.kinds = String.join(",", kinds);
    w.allowPrivate = allowPrivate;
    w.createdBy = caller.name();
    w.createdAt = Instant.now();
    w.persist();
    audit.record(caller.name(), "webhook-added", "webhook " + w.id, url);
    return WebhookView.of(w);
  }

  @Transactional
  public void delete(long id, Caller caller) {
    Webhook w = find(id, caller, "delete webhooks");
    Delivery.delete("webhookId", w.id);
    w.delete();
    audit.record(caller.name(), "webhook-deleted", "webhook " + id, w.url);
  }

  /** Queues a test event to this webhook alone; its delivery shows in the log within seconds. */
  @Transactional
  public DeliveryView test(long id, Caller caller) {
    Webhook w = find(id, caller, "test webhooks");
    Instant now = Instant.now();
    NotifyEvent event = new NotifyEvent();
    event.kind = EventKind.TEST.key();
    event.fact = "test:" + w.id + ":" + Tokens.newToken("");
    event.teamId = w.teamId;
    event.actor = caller.name();
    event.payload =
        json.write(Map.of("kind", EventKind.TEST.key(), "teamId", w.teamId, "by", caller.name()));
    event.createdAt = now;
    event.persist();
    Delivery d = Outbox.deliver(event, w, now);
    written.fire(new Outbox.Written(event.id));
    return DeliveryView.of(d);
  }

  @Transactional
  public List<DeliveryView> deliveries(long id, Caller caller) {
    Webhook w = find(id, caller, "read the delivery log");
    return Delivery.<Delivery>find("webhookId", Sort.descending("id"), w.id)
        .page(0, LOG_SIZE)
        .list()
        .stream()
        .map(DeliveryView::of)
        .toList();
  }

  private static Webhook find(long id, Caller caller, String action) {
    leadsOnly(caller, action);
    Webhook w = Webhook.findById(id);
    if (w == null) {
      throw ApiException.notFound("webhook", id);
    }
    caller.lead(w.teamId, "webhook", id, action);
    return w;
  }

  private static String url(String raw) {
    if (raw == null || raw.isBlank()) {
      throw ApiException.field(400, "url is required", "url", "is required");
    }
    String url = raw.trim();
    if (url.length() > 2000) {
      throw ApiException.field(400, "url is longer than 2000 characters", "url", "too long");
    }
    try {
      URI uri = new URI(url);
      if (!uri.isAbsolute()) {
        throw ApiException.field(
            400, "url must be absolute (https://...)", "url", "must be absolute");
      }
    } catch (URISyntaxException e) {
      throw ApiException.field(400, "url is not an address: " + e.getReason(), "url", "invalid");
    }
    return url;
  }
}
