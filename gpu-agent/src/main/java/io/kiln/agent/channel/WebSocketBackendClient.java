package io.kiln.agent.channel;

import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.Protocol;
import io.kiln.core.protocol.ProtocolCodec;
import io.kiln.core.protocol.ProtocolException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@link BackendClient} over the JDK's HTTP client: one WebSocket for messages, plain HTTP for
 * files. Given several backend replicas' addresses (no load balancer in front of them), it moves to
 * the next one whenever the current one cannot be reached, and files go to the one it is connected
 * to.
 */
public final class WebSocketBackendClient implements BackendClient {
  private static final Logger LOG = Logger.getLogger(WebSocketBackendClient.class.getName());
  private static final long MAX_BACKOFF_MS = 10_000;

  /** Sent with downloads: the agent follows the backend to an object store's address itself. */
  static final String REDIRECT = "X-Kiln-Redirect";

  /** A download's SHA-256 (hex), when the backend knows it. */
  static final String SHA256 = "X-Kiln-Sha256";

  private final List<URI> servers;
  private volatile int current;
  private final String credential;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final ProtocolCodec codec = new ProtocolCodec();
  private final ScheduledExecutorService reconnector =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kiln-reconnect");
            t.setDaemon(true);
            return t;
          });
  private volatile WebSocket socket;
  private volatile boolean closed;
  private long backoffMs = 500;

  public WebSocketBackendClient(URI server, String credential) {
    this(List.of(server), credential);
  }

  /**
   * @param servers the backend replicas, tried in turn from the first
   */
  public WebSocketBackendClient(List<URI> servers, String credential) {
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("no backend address");
    }
    this.servers = List.copyOf(servers);
    this.credential = credential;
  }

  private URI server() {
    return servers.get(current);
  }

  @Override
  public void connect(Listener listener) {
    URI target =
        URI.create(
            server()
                .resolve(Protocol.AGENT_PATH.substring(1))
                .toString()
                .replaceFirst("^http", "ws"));
    http.newWebSocketBuilder()
        .header("Authorization", "Bearer " + credential)
        .connectTimeout(Duration.ofSeconds(10))
        .buildAsync(target, new FrameListener(listener))
        .whenComplete(
            (socket, error) -> {
              if (error != null) {
                LOG.warning("cannot reach " + target + ": " + rootMessage(error));
                if (servers.size() > 1) {
                  current = (current + 1) % servers.size();
                  LOG.warning("trying the next backend replica, " + server());
                }
                retry(listener);
              }
            });
  }

  private synchronized void retry(Listener listener) {
    if (closed) {
      return;
    }
    long delay = backoffMs;
    backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    reconnector.schedule(() -> connect(listener), delay, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized boolean send(AgentMessage message) {
    WebSocket current = socket;
    if (current == null || current.isOutputClosed()) {
      return false;
    }
    String text = codec.encode(message);
    int bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    if (bytes > Protocol.MAX_MESSAGE_BYTES) {
      // The backend would close the connection (1009). Run events never get here (the outbox
      // drops them first); this guards every other message.
      LOG.severe(
          message.getClass().getSimpleName()
              + " is "
              + bytes
              + " bytes, more than the "
              + Protocol.MAX_MESSAGE_BYTES
              + " a message may be: not sent");
      return false;
    }
    try {
      current.sendText(text, true).get(10, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      LOG.log(Level.FINE, "send failed", e);
      return false;
    }
  }

  /**
   * Downloads {@code path} to {@code target}. The backend may send it to an object store's address
   * (307, to be fetched without Kiln's credential); a SHA-256 the backend gives is checked, and a
   * download that does not match it is refused and removed.
   */
  @Override
  public void download(String path, Path target) throws IOException {
    HttpRequest request = authorized(path).header(REDIRECT, "accepted").GET().build();
    Path part = target.resolveSibling(target.getFileName() + ".part");
    HttpResponse<Path> response = exchange(request, HttpResponse.BodyHandlers.ofFile(part));
    String sha256 = response.headers().firstValue(SHA256).orElse(null);
    if (response.statusCode() == 307) {
      URI store = URI.create(response.headers().firstValue("Location").orElseThrow());
      response =
          exchange(
              HttpRequest.newBuilder(store).timeout(Duration.ofMinutes(30)).GET().build(),
              HttpResponse.BodyHandlers.ofFile(part));
    }
    if (response.statusCode() != 200) {
      String body = Files.readString(part);
      Files.deleteIfExists(part);
      throw new BackendRefusedException(
          "download of " + path + " failed: HTTP " + response.statusCode() + " " + body);
    }
    if (sha256 != null && !sha256.equalsIgnoreCase(sha256(part))) {
      Files.deleteIfExists(part);
      throw new IOException(
          "download of " + path + " is corrupt: its SHA-256 is not the " + sha256 + " announced");
    }
    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING);
  }

  static String sha256(Path file) throws IOException {
    try (var in = Files.newInputStream(file)) {
      java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return java.util.HexFormat.of().formatHex(digest.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void upload(String path, Path file) throws IOException {
    HttpRequest request =
        authorized(path)
            .header("Content-Type", "application/octet-stream")
            .PUT(HttpRequest.BodyPublishers.ofFile(file))
            .build();
    HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new BackendRefusedException(
          "upload to " + path + " failed: HTTP " + response.statusCode() + " " + response.body());
    }
  }

  @Override
  public void close() {
    closed = true;
    reconnector.shutdownNow();
    WebSocket current = socket;
    if (current != null) {
      current.sendClose(WebSocket.NORMAL_CLOSURE, "agent stopping").orTimeout(2, TimeUnit.SECONDS);
    }
  }

  private HttpRequest.Builder authorized(String path) {
    return HttpRequest.newBuilder(server().resolve(path.startsWith("/") ? path.substring(1) : path))
        .header("Authorization", "Bearer " + credential)
        .timeout(Duration.ofMinutes(30));
  }

  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    try {
      return http.send(request, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static String rootMessage(Throwable error) {
    Throwable t = error;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private final class FrameListener implements WebSocket.Listener {
    private final Listener listener;
    private final StringBuilder text = new StringBuilder();

    FrameListener(Listener listener) {
      this.listener = listener;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
      socket = webSocket;
      synchronized (WebSocketBackendClient.this) {
        backoffMs = 500;
      }
      webSocket.request(1);
      listener.connected();
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String frame = text.toString();
        text.setLength(0);
        try {
          BackendMessage message = codec.decodeBackend(frame);
          listener.received(message);
        } catch (ProtocolException e) {
          LOG.warning("ignoring a frame from the backend: " + e.getMessage());
        }
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      lost("closed by the backend (" + statusCode + " " + reason + ")");
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      lost(rootMessage(error));
    }

    private void lost(String reason) {
      socket = null;
      listener.disconnected(reason);
      retry(listener);
    }
  }
}
