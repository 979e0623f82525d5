package io.kiln.backend.notify;

import io.kiln.backend.common.Json;
import io.kiln.backend.common.KilnConfig;
import io.kiln.core.notify.Backoff;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.Mailer;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Delivers pending deliveries (webhooks and e-mails) at least once. Each is claimed by a
 * conditional update (so of several replicas exactly one sends it), sent outside any transaction,
 * then marked delivered on a 2xx answer or given its next try with exponential backoff. A claim
 * lapses after {@link #HOLD}: a backend killed mid-delivery leaves it to be sent again after
 * restart (the receiver drops the repeat by its {@code Kiln-Delivery} id). Woken after each commit
 * that wrote an event, and every second for retries.
 */
@ApplicationScoped
class DeliveryWorker {
  private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);
  private static final int BATCH = 200;
  private static final int SENDERS = 16;

  private final Json json;
  private final KilnConfig.Webhooks settings;
  private final WebhookSender sender;
  private final Duration hold;
  private final ExecutorService senders =
      Executors.newFixedThreadPool(
          SENDERS,
          r -> {
            Thread t = new Thread(r, "kiln-webhooks");
            t.setDaemon(true);
            return t;
          });
  private final ExecutorService waker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "kiln-webhooks-drain");
            t.setDaemon(true);
            return t;
          });
  private final AtomicBoolean again = new AtomicBoolean();

  private final Mailer mailer;
  private final java.util.Optional<String> from;

  DeliveryWorker(Json json, KilnConfig config, Mailer mailer) {
    this.json = json;
    this.mailer = mailer;
    this.from = config.mail().from();
    this.settings = config.webhooks();
    this.sender = new WebhookSender(Duration.ofSeconds(settings.timeoutSeconds()));
    // Longer than a try can take, so a live worker's claim never lapses under it.
    this.hold = Duration.ofSeconds(settings.timeoutSeconds() * 3L + 10);
  }

  void onWritten(@Observes(during = TransactionPhase.AFTER_SUCCESS) Outbox.Written written) {
    wake();
  }

  @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void tick() {
    wake();
  }

  /** Drains on the drain thread; a wake while it drains makes it look once more. */
  void wake() {
    if (again.compareAndSet(false, true) && !waker.isShutdown()) {
      waker.execute(
          () -> {
            try {
              while (again.getAndSet(false)) {
                drain();
              }
            } catch (RuntimeException e) {
              LOG.warn("webhook deliveries: " + e.getMessage(), e);
            }
          });
    }
  }

  private void drain() {
    List<Long> due;
    do {
      Instant now = Instant.now();
      due =
          QuarkusTransaction.requiringNew()
              .call(
                  () ->
                      Delivery.<Delivery>find(
                              "state = ?1 and nextAttemptAt <= ?2"
                                  + " and (claimedUntil is null or claimedUntil < ?2)"
                                  + " order by nextAttemptAt",
                              Delivery.PENDING,
                              now)
                          .page(0, BATCH)
                          .list()
                          .stream()
                          .map(d -> d.id)
                          .toList());
      List<Future<?>> sent = new ArrayList<>();
      for (long id : due) {
        if (senders.isShutdown()) {
          return; // shutting down: the claims lapse and another start delivers them
        }
        if (claim(id)) {
          sent.add(senders.submit(() -> deliver(id)));
        }
      }
      for (Future<?> f : sent) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        } catch (java.util.concurrent.ExecutionException e) {
          LOG.warn("webhook delivery: " + e.getCause().getMessage(), e.getCause());
        }
      }
    } while (due.size() == BATCH);
  }

  private boolean claim(long id) {
    Instant now = Instant.now();
    return QuarkusTransaction.requiringNew()
            .call(
                () ->
                    Delivery.update(
                        "claimedUntil = ?1 where id = ?2 and state = ?3"
                            + " and (claimedUntil is null or claimedUntil < ?4)",
                        now.plus(hold),
                        id,
                        Delivery.PENDING,
                        now))
        == 1;
  }

  private void deliver(long id) {
    record Prepared(Webhook hook, String kind, String body, String to, MailBodies.Mail mail) {}
    Prepared prepared;
    try {
      prepared =
          QuarkusTransaction.requiringNew()
              .call(
                  () -> {
                    Delivery d = Delivery.findById(id);
                    Map<String, Object> payload =
                        json.readMap(d.event.payload, "event " + d.event.id);
                    if (Delivery.EMAIL.equals(d.channel)) {
                      EmailChoice choice = EmailChoice.findById(d.recipient);
                      return choice == null
                          ? null
                          : new Prepared(
                              null,
                              d.event.kind,
                              null,
                              choice.email,
                              MailBodies.of(d.event.kind, payload, choice.language));
                    }
                    Webhook hook = Webhook.findById(d.webhookId);
                    if (hook == null) {
                      return null;
                    }
                    String body =
                        json.write(WebhookBodies.body(hook.format, d.id, d.event, payload));
                    return new Prepared(hook, d.event.kind, body, null, null);
                  });
    } catch (RuntimeException e) {
      // Counted as a failed try, so a delivery that cannot be prepared ends after the last one.
      WebhookSender.Outcome broken =
          new WebhookSender.Outcome(0, "could not prepare the delivery: " + e.getMessage(), 0);
      QuarkusTransaction.requiringNew().run(() -> record(id, broken, true));
      return;
    }
    WebhookSender.Outcome outcome =
        prepared == null
            ? new WebhookSender.Outcome(0, "the webhook or the e-mail choice was deleted", 0)
            : prepared.mail() != null
                ? mail(prepared.to(), prepared.mail(), id)
                : sender.send(prepared.hook(), id, prepared.kind(), prepared.body());
    boolean retry = prepared != null && !outcome.refused();
    QuarkusTransaction.requiringNew().run(() -> record(id, outcome, retry));
  }

  /** Sends one e-mail over the configured SMTP server; its answer is the try's outcome. */
  private WebhookSender.Outcome mail(String to, MailBodies.Mail mail, long deliveryId) {
    long start = System.nanoTime();
    try {
      mailer.send(
          Mail.withText(to, mail.subject(), mail.text())
              .setHtml(mail.html())
              .setFrom(from.orElseThrow())
              // As on webhooks: a repeat after a crash carries the same id.
              .addHeader("Kiln-Delivery", Long.toString(deliveryId)));
      return new WebhookSender.Outcome(250, null, (System.nanoTime() - start) / 1_000_000);
    } catch (RuntimeException e) {
      return new WebhookSender.Outcome(
          0,
          "e-mail to " + to + ": " + e.getClass().getSimpleName() + " " + e.getMessage(),
          (System.nanoTime() - start) / 1_000_000);
    }
  }

  private void record(long id, WebhookSender.Outcome outcome, boolean mayRetry) {
    Delivery d = Delivery.findById(id);
    if (d == null) {
      return; // its webhook was deleted meanwhile, and the delivery with it
    }
    Instant now = Instant.now();
    d.attempts++;
    d.lastStatus = outcome.status() == 0 ? null : outcome.status();
    d.lastError = outcome.error() == null ? null : truncate(outcome.error());
    d.lastMillis = outcome.millis();
    d.claimedUntil = null;
    if (outcome.delivered()) {
      d.state = Delivery.DELIVERED;
      d.deliveredAt = now;
    } else if (!mayRetry || d.attempts >= settings.maxAttempts()) {
      d.state = Delivery.FAILED;
    } else {
      d.nextAttemptAt = now.plusSeconds(Backoff.secondsAfter(d.attempts, settings.retrySeconds()));
    }
  }

  private static String truncate(String s) {
    return s.length() <= 1000 ? s : s.substring(0, 997) + "...";
  }

  void stop(@Observes ShutdownEvent event) {
    waker.shutdownNow();
    senders.shutdownNow();
  }
}
