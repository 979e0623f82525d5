package io.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An admin restarts the backend while a remote agent (a separate process, enrolled with a token) is
 * training: the run still succeeds, with every metric point stored once and the model kept.
 */
class AdminRestartsBackendTest {
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final Path root =
      Path.of(System.getProperty("kiln.root", "..")).toAbsolutePath().normalize();
  private final Path work = root.resolve("e2e-tests/target/restart-test");
  private Process backend;
  private Process agent;
  private int port;
  private String token;

  @AfterEach
  void stop() {
    for (Process p : new Process[] {agent, backend}) {
      if (p != null) {
        p.destroy();
      }
    }
  }

  @Test
  void aRunSurvivesABackendRestartWithoutLosingAPoint() throws Exception {
    deleteTree(work);
    Files.createDirectories(work);
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    backend = startBackend("backend-1.log");
    token =
        post("/api/auth/login", "{\"username\":\"admin\",\"password\":\"pw\"}")
            .path("token")
            .asText();
    String enrollment = post("/api/agents/enrollment-tokens", "").path("token").asText();
    agent =
        new ProcessBuilder(
                java(),
                "-jar",
                root.resolve("gpu-agent/target/kiln-agent.jar").toString(),
                "--server",
                "http://127.0.0.1:" + port,
                "--token",
                enrollment,
                "--name",
                "remote-gpu",
                "--work-dir",
                work.resolve("agent").toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("agent.log").toFile())
            .start();

    long datasetId =
        upload(FashionMnist.writeZip(work.resolve("data.zip"), 100)).path("id").asLong();
    long runId =
        post("/api/runs", "{\"datasetId\":" + datasetId + ",\"epochs\":10,\"batchSize\":32}")
            .path("id")
            .asLong();
    JsonNode before =
        awaitRun(runId, r -> r.path("currentEpoch").asInt() >= 1, Duration.ofSeconds(90));
    assertEquals("running", before.path("state").asText(), "the restart happens mid-training");

    backend.destroy();
    assertTrue(backend.waitFor(30, TimeUnit.SECONDS), "the backend stops on SIGTERM");
    assertTrue(agent.isAlive(), "a remote agent outlives its backend");
    backend = startBackend("backend-2.log");
    token =
        post("/api/auth/login", "{\"username\":\"admin\",\"password\":\"pw\"}")
            .path("token")
            .asText();

    JsonNode run =
        awaitRun(
            runId,
            r -> r.path("state").asText().matches("succeeded|failed|cancelled"),
            Duration.ofSeconds(180));
    assertEquals("succeeded", run.path("state").asText(), run.toString());
    assertTrue(run.path("modelAvailable").asBoolean());
    JsonNode metrics = get("/api/runs/" + runId + "/metrics");
    long expectedSeq = metrics.get(0).path("seq").asLong();
    int epochs = 0;
    for (JsonNode point : metrics) {
      assertEquals(
          expectedSeq++, point.path("seq").asLong(), "every point stored once, none missing");
      epochs += point.path("kind").asText().equals("epoch") ? 1 : 0;
    }
    assertEquals(10, epochs);
    assertTrue(Files.readString(work.resolve("agent.log")).contains("lost the backend connection"));
  }

  private Process startBackend(String log) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                java(),
                "-Djava.awt.headless=true",
                "-jar",
                root.resolve("backend/target/quarkus-app/quarkus-run.jar").toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(log).toFile());
    builder
        .environment()
        .putAll(
            java.util.Map.of(
                "QUARKUS_HTTP_PORT",
                Integer.toString(port),
                "KILN_DATA_DIR",
                work.resolve("data").toString(),
                "KILN_ADMIN_PASSWORD",
                "pw"));
    Process process = builder.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(
                    HttpRequest.newBuilder(url("/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return process;
        }
      } catch (IOException starting) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException(
        "backend did not start: " + Files.readString(work.resolve(log)));
  }

  private JsonNode awaitRun(
      long runId, java.util.function.Predicate<JsonNode> condition, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode run = null;
    while (System.nanoTime() < deadline) {
      run = get("/api/runs/" + runId);
      if (condition.test(run)) {
        return run;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(
        "run "
            + runId
            + " did not get there in "
            + timeout
            + ": "
            + run
            + "\nagent log:\n"
            + Files.readString(work.resolve("agent.log")));
  }

  private JsonNode upload(Path zip) throws Exception {
    String boundary = UUID.randomUUID().toString();
    byte[] head =
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"fashion.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n")
            .getBytes();
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes();
    HttpRequest request =
        authorized("/api/datasets")
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(
                HttpRequest.BodyPublishers.ofByteArrays(
                    List.of(head, Files.readAllBytes(zip), tail)))
            .build();
    return send(request, 201);
  }

  private JsonNode post(String path, String body) throws Exception {
    HttpRequest request =
        authorized(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return send(request, path.endsWith("login") ? 200 : 201);
  }

  private JsonNode get(String path) throws Exception {
    return send(authorized(path).GET().build(), 200);
  }

  private HttpRequest.Builder authorized(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(url(path)).timeout(Duration.ofSeconds(30));
    return token == null ? builder : builder.header("Authorization", "Bearer " + token);
  }

  private JsonNode send(HttpRequest request, int expected) throws Exception {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(expected, response.statusCode(), request.uri() + ": " + response.body());
    return json.readTree(response.body());
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
