package io.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.MetricKind;
import io.kiln.core.protocol.Protocol;
import io.kiln.core.protocol.ProtocolCodec;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An acknowledgement means the point is stored for good: an agent sends 400 points, the backend
 * (H2, the embedded default) acknowledges them, and is killed with SIGKILL the moment the last
 * acknowledgement arrives. After a restart on the same data, every acknowledged point is there.
 */
class AcknowledgedPointsSurviveKillTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int POINTS = 400;

  @Test
  void everyAcknowledgedPointSurvivesAKill9OfTheBackend() throws Exception {
    Path data = Path.of("target/kill-data").toAbsolutePath();
    KilnApp.deleteTree(data);
    int port = freePort();
    String base = "http://127.0.0.1:" + port;
    Process backend = start(data, port);
    long runId;
    try {
      String token = login(base);
      long dataset = uploadDataset(base, token);
      runId =
          post(base, token, "/api/runs", Map.of("datasetId", dataset, "epochs", 1))
              .path("id")
              .asLong();
      String enrollment =
          post(base, token, "/api/agents/enrollment-tokens", Map.of()).path("token").asText();
      String credential =
          post(base, null, "/api/agents/enroll", Map.of("token", enrollment, "name", "kill-test"))
              .path("credential")
              .asText();
      ProtocolCodec codec = new ProtocolCodec();
      BlockingQueue<BackendMessage> inbox = new LinkedBlockingQueue<>();
      WebSocket socket =
          HTTP.newWebSocketBuilder()
              .header("Authorization", "Bearer " + credential)
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + port + Protocol.AGENT_PATH),
                  listener(codec, inbox))
              .join();
      send(
          socket,
          codec,
          new AgentMessage.Hello(
              Protocol.VERSION,
              "test",
              "test-host",
              List.of(new AgentMessage.DeviceInfo("cpu()", "cpu", "test"))));
      expect(inbox, BackendMessage.Welcome.class);
      send(socket, codec, new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment a = expect(inbox, BackendMessage.RunAssignment.class);
      assertEquals(runId, a.runId());
      long seq = a.nextSeq();
      send(socket, codec, new AgentMessage.RunStarted(runId, seq++, "cpu()", 1, POINTS));
      long first = seq;
      for (int i = 1; i <= POINTS; i++) {
        send(
            socket,
            codec,
            new AgentMessage.MetricReport(
                runId,
                seq++,
                MetricKind.STEP,
                1,
                i,
                Map.of(Metric.LOSS.key(), 1.0 / i),
                System.currentTimeMillis()));
      }
      long last = seq - 1;
      long acked = -1;
      long deadline = System.currentTimeMillis() + 60_000;
      while (acked < last && System.currentTimeMillis() < deadline) {
        BackendMessage m = inbox.poll(100, TimeUnit.MILLISECONDS);
        if (m instanceof BackendMessage.Ack ack && ack.seq() >= first) {
          acked = Math.max(acked, ack.seq());
        }
      }
      assertEquals(last, acked, "the backend acknowledged every point");
    } finally {
      backend.destroyForcibly(); // SIGKILL, at once
      backend.waitFor(30, TimeUnit.SECONDS);
    }
    Process again = start(data, port);
    try {
      String token = login(base);
      JsonNode points = get(base, token, "/api/runs/" + runId + "/metrics");
      assertEquals(POINTS, points.size(), "every acknowledged point survived the kill");
    } finally {
      again.destroy();
      again.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static Process start(Path data, int port) throws Exception {
    Path root = Path.of(System.getProperty("kiln.root", "..")).toAbsolutePath().normalize();
    Path log = Path.of("target/kill-backend.log").toAbsolutePath();
    ProcessBuilder builder =
        new ProcessBuilder(
                "java",
                "-jar",
                root.resolve("backend/target/quarkus-app/quarkus-run.jar").toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder
        .environment()
        .putAll(
            Map.of(
                "KILN_DATA_DIR", data.toString(),
                "KILN_ADMIN_PASSWORD", KilnApp.PASSWORD,
                "QUARKUS_HTTP_PORT", Integer.toString(port)));
    Process process = builder.start();
    long deadline = System.currentTimeMillis() + 90_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (HTTP.send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return process;
        }
      } catch (IOException notYet) {
        // starting
      }
      Thread.sleep(250);
    }
    process.destroyForcibly();
    throw new IllegalStateException("the backend did not start: " + Files.readString(log));
  }

  private static String login(String base) throws Exception {
    return post(
            base,
            null,
            "/api/auth/login",
            Map.of("username", "admin", "password", KilnApp.PASSWORD))
        .path("token")
        .asText();
  }

  private static long uploadDataset(String base, String token) throws Exception {
    Path zip = FashionMnist.writeZip(Path.of("target/kill-dataset.zip"), 5);
    String boundary = "kiln-" + System.nanoTime();
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"d.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n")
            .getBytes();
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes();
    byte[] file = Files.readAllBytes(zip);
    byte[] body = new byte[head.length + file.length + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(file, 0, body, head.length, file.length);
    System.arraycopy(tail, 0, body, head.length + file.length, tail.length);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/api/datasets"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    return read(HTTP.send(request, HttpResponse.BodyHandlers.ofString())).path("id").asLong();
  }

  private static JsonNode post(String base, String token, String path, Object body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return read(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
  }

  private static JsonNode get(String base, String token, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + token)
            .build();
    return read(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
  }

  private static JsonNode read(HttpResponse<String> response) throws IOException {
    if (response.statusCode() >= 300) {
      throw new IllegalStateException(response.statusCode() + " " + response.body());
    }
    return JSON.readTree(response.body());
  }

  private static void send(WebSocket socket, ProtocolCodec codec, AgentMessage message) {
    socket.sendText(codec.encode(message), true).join();
  }

  private static <T extends BackendMessage> T expect(
      BlockingQueue<BackendMessage> inbox, Class<T> type) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 15_000;
    while (System.currentTimeMillis() < deadline) {
      BackendMessage m = inbox.poll(100, TimeUnit.MILLISECONDS);
      if (type.isInstance(m)) {
        return type.cast(m);
      }
    }
    throw new AssertionError("no " + type.getSimpleName());
  }

  private static WebSocket.Listener listener(
      ProtocolCodec codec, BlockingQueue<BackendMessage> inbox) {
    return new WebSocket.Listener() {
      private final StringBuilder text = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          inbox.add(codec.decodeBackend(text.toString()));
          text.setLength(0);
        }
        webSocket.request(1);
        return null;
      }
    };
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
