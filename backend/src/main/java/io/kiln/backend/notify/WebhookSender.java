package io.kiln.backend.notify;

import io.kiln.core.notify.PrivateAddresses;
import io.kiln.core.notify.WebhookSignature;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Sends one signed delivery: POST with {@code Kiln-Signature}, {@code Kiln-Delivery} and {@code
 * Kiln-Event}; redirects are not followed, and the address is checked again right before sending (a
 * name may have been pointed at a private address since the webhook was saved).
 */
final class WebhookSender {
  /** How a try ended: the status (0 when no answer came) and the error, if any. */
  record Outcome(int status, String error, long millis, boolean refused) {
    Outcome(int status, String error, long millis) {
      this(status, error, millis, false);
    }

    boolean delivered() {
      return status >= 200 && status < 300;
    }
  }

  private final HttpClient http;
  private final Duration timeout;

  WebhookSender(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  Outcome send(Webhook hook, long deliveryId, String kind, String body) {
    long start = System.nanoTime();
    try {
      URI url = URI.create(hook.url);
      try {
        InetAddress.getAllByName(url.getHost());
      } catch (UnknownHostException e) {
        // Perhaps the resolver is down for a moment: tried again later.
        return new Outcome(0, "the host " + url.getHost() + " does not resolve", 0);
      }
      String refused = refusal(url, hook.allowPrivate);
      if (refused != null) {
        return new Outcome(0, refused, 0, true); // not tried again: an admin must allow it first
      }
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(hook.url))
              .timeout(timeout)
              .header("Content-Type", "application/json")
              .header("User-Agent", "Kiln-Webhook")
              .header("Kiln-Delivery", Long.toString(deliveryId))
              .header("Kiln-Event", kind)
              .header(
                  WebhookSignature.HEADER,
                  WebhookSignature.sign(hook.secret, Instant.now().getEpochSecond(), body))
              .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
              .build();
      // The whole exchange, body included, is bounded: a receiver that answers and then stalls
      // does not hold a sender (the request's own timeout ends at the response headers).
      HttpResponse<Void> response;
      try {
        response =
            http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .get(timeout.toMillis() * 2, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        return new Outcome(
            0,
            "no complete answer within " + timeout.toSeconds() * 2 + " s",
            (System.nanoTime() - start) / 1_000_000);
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        return new Outcome(
            0,
            cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()),
            (System.nanoTime() - start) / 1_000_000);
      }
      return new Outcome(
          response.statusCode(),
          response.statusCode() / 100 == 2 ? null : "answered " + response.statusCode(),
          (System.nanoTime() - start) / 1_000_000);
    } catch (IllegalArgumentException e) {
      return new Outcome(
          0,
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
          (System.nanoTime() - start) / 1_000_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Outcome(0, "interrupted", 0);
    }
  }

  /**
   * Why this address may not be reached (null: it may): not http(s), no host, a name that does not
   * resolve, or a private or internal address that no admin allowed.
   */
  static String refusal(URI url, boolean allowPrivate) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return "the address must start with http:// or https://";
    }
    if (url.getHost() == null || url.getHost().isBlank()) {
      return "the address has no host";
    }
    if (url.getUserInfo() != null) {
      return "the address may not carry a user name or password";
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(url.getHost());
    } catch (UnknownHostException e) {
      return "the host " + url.getHost() + " does not resolve";
    }
    if (!allowPrivate) {
      for (InetAddress a : addresses) {
        if (PrivateAddresses.isPrivate(a)) {
          return "the host "
              + url.getHost()
              + " is a private or internal address: only an admin may allow it";
        }
      }
    }
    return null;
  }
}
