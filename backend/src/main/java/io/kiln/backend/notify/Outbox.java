package io.kiln.backend.notify;

import io.kiln.backend.common.Json;
import io.kiln.backend.common.KilnConfig;
import io.kiln.core.notify.EventKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Writes an event, its in-app notices, an e-mail delivery for each of those people who chose the
 * event, and one pending delivery per webhook that wants it, inside the caller's transaction: they
 * commit with the change they report or not at all (issue 35).
 */
@ApplicationScoped
public class Outbox {
  /** Fired after an event is written; observed after commit to start delivering at once. */
  public record Written(long eventId) {}

  private final Json json;
  private final Event<Written> written;
  private final boolean mail;

  Outbox(Json json, Event<Written> written, KilnConfig config) {
    this.json = json;
    this.written = written;
    this.mail = config.mail().from().isPresent();
  }

  /**
   * Records the event unless one for the same {@code fact} exists; returns it, or null when it was
   * already recorded.
   *
   * @param recipients people told in the app (the actor is left out: nobody is told what they did)
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public NotifyEvent record(
      EventKind kind,
      String fact,
      Long teamId,
      Long runId,
      String actor,
      Map<String, Object> payload,
      Collection<String> recipients) {
    if (NotifyEvent.count("fact", fact) > 0) {
      return null;
    }
    Instant now = Instant.now();
    NotifyEvent event = new NotifyEvent();
    event.kind = kind.key();
    event.fact = fact;
    event.teamId = teamId;
    event.runId = runId;
    event.actor = actor;
    event.payload = json.write(payload);
    event.createdAt = now;
    event.persist();
    for (String person : new LinkedHashSet<>(recipients)) {
      if (person != null && !person.equals(actor)) {
        Notice notice = new Notice();
        notice.event = event;
        notice.username = person;
        notice.createdAt = now;
        notice.persist();
        EmailChoice choice = mail ? EmailChoice.findById(person) : null;
        if (choice != null && choice.wants(event.kind)) {
          Delivery d = new Delivery();
          d.event = event;
          d.channel = Delivery.EMAIL;
          d.recipient = person;
          d.nextAttemptAt = now;
          d.createdAt = now;
          d.persist();
        }
      }
    }
    // A team's webhook hears its own team's events only; fleet events (an agent revoked) stay with
    // the admins, so no team's receiver learns of the fleet.
    if (teamId != null) {
      for (Webhook hook : Webhook.<Webhook>list("teamId = ?1 and enabled = true", teamId)) {
        if (hook.wants(event.kind)) {
          deliver(event, hook, now);
        }
      }
    }
    written.fire(new Written(event.id));
    return event;
  }

  /** A pending delivery of the event to the webhook, due now. */
  static Delivery deliver(NotifyEvent event, Webhook hook, Instant now) {
    Delivery d = new Delivery();
    d.event = event;
    d.webhookId = hook.id;
    d.nextAttemptAt = now;
    d.createdAt = now;
    d.persist();
    return d;
  }
}
