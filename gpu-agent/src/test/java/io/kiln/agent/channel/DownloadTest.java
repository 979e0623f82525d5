package io.kiln.agent.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads over real HTTP (issue 17): the backend may send the agent to an object store's address,
 * which it fetches without Kiln's credential, and a download whose SHA-256 is not the one announced
 * is refused and removed.
 */
class DownloadTest {
  private static final byte[] CHECKPOINT = "the weights".getBytes(StandardCharsets.UTF_8);
  @TempDir Path dir;
  private HttpServer server;
  private final AtomicReference<String> storeAuthorization = new AtomicReference<>("unset");
  private String announced;

  @BeforeEach
  void start() throws Exception {
    announced = sha256(CHECKPOINT);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/agent/runs/1/checkpoint",
        exchange -> {
          boolean follows =
              "accepted".equals(exchange.getRequestHeaders().getFirst("X-Kiln-Redirect"));
          exchange.getResponseHeaders().add("X-Kiln-Sha256", announced);
          if (follows) {
            exchange.getResponseHeaders().add("Location", url("/bucket/run-1?X-Amz-Signature=s"));
            exchange.sendResponseHeaders(307, -1);
          } else {
            exchange.sendResponseHeaders(200, CHECKPOINT.length);
            exchange.getResponseBody().write(CHECKPOINT);
          }
          exchange.close();
        });
    server.createContext(
        "/bucket/run-1",
        exchange -> {
          storeAuthorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
          exchange.sendResponseHeaders(200, CHECKPOINT.length);
          exchange.getResponseBody().write(CHECKPOINT);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void followsTheBackendToTheStoreWithoutItsCredentialAndChecksTheHash() throws IOException {
    Path target = dir.resolve("checkpoint.zip");
    try (WebSocketBackendClient client = client()) {
      client.download("/api/agent/runs/1/checkpoint", target);
    }
    assertArrayEquals(CHECKPOINT, Files.readAllBytes(target));
    assertNull(storeAuthorization.get(), "Kiln's credential never goes to the store");
  }

  @Test
  void aDownloadThatIsNotWhatWasAnnouncedIsRefusedAndRemoved() {
    announced = "0".repeat(64);
    Path target = dir.resolve("checkpoint.zip");
    IOException e;
    try (WebSocketBackendClient client = client()) {
      e =
          assertThrows(
              IOException.class, () -> client.download("/api/agent/runs/1/checkpoint", target));
    }
    assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());
    assertFalse(Files.exists(target));
    assertFalse(Files.exists(dir.resolve("checkpoint.zip.part")), "nothing half-written is left");
  }

  @Test
  void hashesAsTheBackendDoes() throws Exception {
    Path file = Files.write(dir.resolve("f"), CHECKPOINT);
    assertEquals(sha256(CHECKPOINT), WebSocketBackendClient.sha256(file));
  }

  private WebSocketBackendClient client() {
    return new WebSocketBackendClient(URI.create(url("/")), "agent-credential");
  }

  private String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  private static String sha256(byte[] bytes) throws java.security.NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
