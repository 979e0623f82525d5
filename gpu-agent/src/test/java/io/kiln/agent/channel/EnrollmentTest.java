package io.kiln.agent.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Enrollment against a small HTTP server standing in for the backend's enroll endpoint. */
class EnrollmentTest {
  @Test
  void waitsForABackendThatIsStillStartingThenKeepsTheCredential(@TempDir Path work)
      throws Exception {
    // A backend still starting: it accepts the connection and drops it without an answer.
    ServerSocket starting = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    int port = starting.getLocalPort();
    CountDownLatch firstTry = new CountDownLatch(1);
    Thread dropper =
        new Thread(
            () -> {
              try (Socket attempt = starting.accept()) {
                firstTry.countDown();
              } catch (IOException closed) {
                // the test closed the socket
              }
            });
    dropper.start();
    URI server = URI.create("http://127.0.0.1:" + port + "/");
    CompletableFuture<String> enrolled =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return Enrollment.credential(server, work, "ke_token", "gpu-1");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertTrue(
        firstTry.await(20, TimeUnit.SECONDS), "the agent tried the backend while it was starting");
    starting.close();
    dropper.join();
    HttpServer backend = respond(port, 201, "{\"agentId\":3,\"credential\":\"ka_secret\"}");
    try {
      assertEquals("ka_secret", enrolled.get(20, TimeUnit.SECONDS));
    } finally {
      backend.stop(0);
    }
    assertEquals("ka_secret", Files.readString(work.resolve("credential")));
    assertEquals(
        "ka_secret", Enrollment.credential(server, work, null, "gpu-1"), "no second enrollment");
  }

  @Test
  void aRefusedTokenIsReportedWithTheBackendsReason(@TempDir Path work) throws Exception {
    HttpServer backend = respond(0, 401, "{\"error\":\"this enrollment token was already used\"}");
    try {
      URI server = URI.create("http://127.0.0.1:" + backend.getAddress().getPort() + "/");
      IOException e =
          assertThrows(
              IOException.class, () -> Enrollment.credential(server, work, "ke_used", "x"));
      assertTrue(e.getMessage().contains("already used"), e.getMessage());
      assertTrue(Files.notExists(work.resolve("credential")));
    } finally {
      backend.stop(0);
    }
  }

  @Test
  void withoutTokenOrCredentialItSaysWhatToDo(@TempDir Path work) {
    IOException e =
        assertThrows(
            IOException.class,
            () -> Enrollment.credential(URI.create("http://127.0.0.1:1/"), work, null, "x"));
    assertTrue(e.getMessage().contains("--token"), e.getMessage());
  }

  private static HttpServer respond(int port, int status, String body) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext(
        "/api/agents/enroll",
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    return server;
  }
}
