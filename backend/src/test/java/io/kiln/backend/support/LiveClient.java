package io.kiln.backend.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A browser's view of /ws/runs/{id}, over a real WebSocket. */
public final class LiveClient implements AutoCloseable {
  private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
  private final WebSocket socket;
  private final CompletableFuture<Integer> closedWith = new CompletableFuture<>();

  public LiveClient(URI base, long runId, long afterSeq) {
    this(base, runId, afterSeq, Api.token());
  }

  /** Watches as the person with this session token. */
  public LiveClient(URI base, long runId, long afterSeq, String token) {
    this(base, runId, afterSeq, token, null);
  }

  /** Watches in a language ({@code zh-CN}), as the run page asks with {@code ?lang=}. */
  public LiveClient(URI base, long runId, long afterSeq, String token, String lang) {
    URI ws =
        URI.create(
            base.toString().replaceFirst("^http", "ws")
                + "ws/runs/"
                + runId
                + "?afterSeq="
                + afterSeq
                + (lang == null ? "" : "&lang=" + lang));
    socket =
        HttpClient.newHttpClient()
            .newWebSocketBuilder()
            .header("Authorization", "Bearer " + token)
            .buildAsync(
                ws,
                new WebSocket.Listener() {
                  private final StringBuilder text = new StringBuilder();

                  @Override
                  public CompletionStage<?> onText(
                      WebSocket webSocket, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                      try {
                        inbox.add(new ObjectMapper().readTree(text.toString()));
                      } catch (Exception e) {
                        throw new IllegalStateException(e);
                      }
                      text.setLength(0);
                    }
                    webSocket.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(
                      WebSocket webSocket, int statusCode, String reason) {
                    closedWith.complete(statusCode);
                    return null;
                  }
                })
            .join();
  }

  /** The next message of a type ("snapshot", "metric", "run"), skipping others. */
  public JsonNode next(String type) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      JsonNode m = inbox.poll(100, TimeUnit.MILLISECONDS);
      if (m != null && type.equals(m.path("type").asText())) {
        return m;
      }
    }
    throw new AssertionError("no '" + type + "' message within 10 s");
  }

  /** The status code the server closed the socket with (waits up to 10 s). */
  public int closeCode() throws Exception {
    return closedWith.get(10, TimeUnit.SECONDS);
  }

  /** Everything received so far, without waiting. */
  public java.util.List<JsonNode> drain() {
    java.util.List<JsonNode> all = new java.util.ArrayList<>();
    inbox.drainTo(all);
    return all;
  }

  @Override
  public void close() {
    io.kiln.fixtures.WebSockets.closeQuietly(socket);
  }
}
