package io.kiln.backend.notify;

import io.kiln.core.notify.PrivateAddresses;
import io.kiln.core.notify.WebhookSignature;
import java.io.IOException;
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
      String refused = refusal(URI.create(hook.url), hook.allowPrivate);
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
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      return new Outcome(
          response.statusCode(),
          response.statusCode() / 100 == 2 ? null : "answered " + response.statusCode(),
          (System.nanoTime() - start) / 1_000_000);
    } catch (IOException | IllegalArgumentException e) {
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
              + " is a private or internal address ("
              + a.getHostAddress()
              + "): only an admin may allow it";
        }
      }
    }
    return null;
  }
}
