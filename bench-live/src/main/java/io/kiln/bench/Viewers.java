package io.kiln.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N browser-like WebSocket viewers of one stream. Each metric message carries the sender's {@code
 * System.nanoTime()} in {@code benchSentNanos}; the receive time minus it is the latency (sender
 * and viewers share this JVM's clock).
 */
final class Viewers implements AutoCloseable {
  private static final String MARK = "\"benchSentNanos\":";
  private final List<WebSocket> sockets = new ArrayList<>();
  private final WebSocketClient client;
  private final long[] latencies;
  private final AtomicInteger received = new AtomicInteger();

  private Viewers(Vertx vertx, int expected) {
    this.client =
        vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000));
    this.latencies = new long[expected];
  }

  /**
   * Connects {@code count} viewers and waits until each got its first message (Kiln's snapshot).
   */
  static Viewers connect(
      Vertx vertx,
      int port,
      String uri,
      String bearer,
      int count,
      int reports,
      boolean waitForFirst)
      throws Exception {
    Viewers viewers = new Viewers(vertx, count * reports);
    CountDownLatch ready = new CountDownLatch(count);
    for (int i = 0; i < count; i++) {
      WebSocketConnectOptions options =
          new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
      if (bearer != null) {
        options.addHeader("Authorization", "Bearer " + bearer);
      }
      // The handler is in place before the handshake, so not even the first message can slip past
      // it.
      ClientWebSocket socket = viewers.client.webSocket();
      boolean[] first = {true};
      socket.textMessageHandler(
          text -> {
            if (first[0]) {
              first[0] = false;
              ready.countDown();
            }
            int at = text.indexOf(MARK);
            if (at >= 0) {
              long now = System.nanoTime();
              int end = at + MARK.length();
              while (end < text.length() && "0123456789.E-+".indexOf(text.charAt(end)) >= 0) {
                end++;
              }
              long sent = (long) Double.parseDouble(text.substring(at + MARK.length(), end));
              int slot = viewers.received.getAndIncrement();
              if (slot < viewers.latencies.length) {
                viewers.latencies[slot] = now - sent;
              }
            }
          });
      socket.connect(options).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      viewers.sockets.add(socket);
      if (!waitForFirst) {
        ready.countDown();
      }
    }
    if (!ready.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException(
          "only " + (count - ready.getCount()) + " of " + count + " viewers got a snapshot");
    }
    return viewers;
  }

  /** Waits until every viewer received every report, or the timeout. */
  boolean awaitAll(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (received.get() < latencies.length && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    return received.get() >= latencies.length;
  }

  int received() {
    return Math.min(received.get(), latencies.length);
  }

  /** Sorted latencies in milliseconds of what arrived. */
  double[] millis() {
    long[] copy = Arrays.copyOf(latencies, received());
    Arrays.sort(copy);
    return Arrays.stream(copy).mapToDouble(n -> n / 1e6).toArray();
  }

  @Override
  public void close() {
    for (WebSocket socket : sockets) {
      socket.close();
    }
    client.close();
  }
}
