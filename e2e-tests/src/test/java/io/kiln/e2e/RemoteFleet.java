package io.kiln.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A backend and remote agents as separate processes on one machine, driven through the public API
 * as an admin: what the fleet tests start, kill and restart.
 */
final class RemoteFleet implements AutoCloseable {
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  final Path root = Path.of(System.getProperty("kiln.root", "..")).toAbsolutePath().normalize();
  final Path work;
  final int port;
  private final Map<String, String> backendEnv = new HashMap<>();
  private final List<Process> processes = new ArrayList<>();
  Process backend;
  private String token;

  /** Where the PostgreSQL runs go: .ci/postgres.sh creates the database. */
  static final String PG_URL =
      System.getenv().getOrDefault("KILN_E2E_PG_URL", "jdbc:postgresql://127.0.0.1:5432/kiln_e2e");

  private final String database;
  private int starts;
  private Path data;

  RemoteFleet(String name, Map<String, String> env) throws IOException {
    this(name, env, "h2");
  }

  /**
   * @param database {@code h2} (the app as {@code ./kiln} runs it) or {@code postgresql} (the same
   *     app built for PostgreSQL, on {@link #PG_URL}, emptied at its first start)
   */
  RemoteFleet(String name, Map<String, String> env, String database) throws IOException {
    this.database = database;
    work = root.resolve("e2e-tests/target/" + name);
    KilnApp.deleteTree(work);
    Files.createDirectories(work);
    port = freePort();
    backendEnv.putAll(env);
    data = work.resolve("data");
  }

  /** Ports handed out in this JVM: two fleets made before either starts never share one. */
  private static final java.util.Set<Integer> HANDED_OUT = new java.util.HashSet<>();

  /**
   * A free port below Linux's ephemeral range (32768 and up), so that no outgoing connection (to
   * PostgreSQL, say) takes it between this check and the backend's start.
   */
  private static synchronized int freePort() {
    java.util.Random random = new java.util.Random();
    while (true) {
      int candidate = 20_000 + random.nextInt(12_000);
      if (HANDED_OUT.contains(candidate)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket(candidate)) {
        HANDED_OUT.add(candidate);
        return candidate;
      } catch (IOException taken) {
        // in use: try another
      }
    }
  }

  /** Starts the backend on another installation's data directory (as after a move). */
  RemoteFleet usingData(Path dir) {
    data = dir;
    return this;
  }

  /** The backend's data directory. */
  Path data() {
    return data;
  }

  /**
   * Another backend replica on the database a first fleet set up: its first start does not empty
   * the database.
   */
  RemoteFleet sharingDatabase() {
    starts = Math.max(starts, 1);
    return this;
  }

  /** The admin's session token on this backend. */
  String token() {
    return token;
  }

  /** Posts and expects 200 (an action on something that exists, e.g. cancel). */
  JsonNode act(String path) throws Exception {
    return send(authorized(path).POST(HttpRequest.BodyPublishers.noBody()).build(), 200);
  }

  /** Starts the backend (H2 in the work folder) and logs in as the admin. */
  Process startBackend(String log) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                java(),
                "-Djava.awt.headless=true",
                "-jar",
                root.resolve(
                        "backend/target/"
                            + ("postgresql".equals(database)
                                ? "quarkus-app-postgresql"
                                : "quarkus-app")
                            + "/quarkus-run.jar")
                    .toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(log).toFile());
    builder.environment().putAll(backendEnv);
    if ("postgresql".equals(database)) {
      builder
          .environment()
          .putAll(
              Map.of(
                  "QUARKUS_DATASOURCE_JDBC_URL", PG_URL,
                  "QUARKUS_DATASOURCE_USERNAME", "kiln",
                  "QUARKUS_DATASOURCE_PASSWORD", "kiln"));
      if (starts == 0) {
        builder
            .environment()
            .putAll(
                Map.of(
                    "QUARKUS_FLYWAY_CLEAN_DISABLED", "false",
                    "QUARKUS_FLYWAY_CLEAN_AT_START", "true"));
      }
    }
    starts++;
    builder
        .environment()
        .putAll(
            Map.of(
                "QUARKUS_HTTP_PORT",
                Integer.toString(port),
                "KILN_DATA_DIR",
                data.toString(),
                "KILN_ADMIN_PASSWORD",
                "pw"));
    backend = track(builder.start());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      try {
        if (http.send(
                    HttpRequest.newBuilder(url("/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          token = null;
          token =
              post("/api/auth/login", "{\"username\":\"admin\",\"password\":\"pw\"}")
                  .path("token")
                  .asText();
          return backend;
        }
      } catch (IOException starting) {
        Thread.sleep(200);
      }
    }
    throw new IllegalStateException(
        "backend did not start: " + Files.readString(work.resolve(log)));
  }

  /** Whether a PostgreSQL server listens where {@link #PG_URL} points. */
  static boolean postgresAvailable() {
    URI uri = URI.create(PG_URL.substring("jdbc:".length()));
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(
          new java.net.InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort()),
          2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Uploads a Fashion-MNIST slice ({@code perClass} images a class) and queues a run on it. */
  long queueFashionRun(int perClass, int epochs) throws Exception {
    long dataset =
        upload(FashionMnist.writeZip(work.resolve("data.zip"), perClass)).path("id").asLong();
    return post("/api/runs", "{\"datasetId\":" + dataset + ",\"epochs\":" + epochs + "}")
        .path("id")
        .asLong();
  }

  /** Logs the page in as this fleet's admin through the login form, then opens {@code hash}. */
  void openAsAdmin(com.microsoft.playwright.Page page, String hash) {
    page.navigate(baseUrl());
    page.getByLabel("Username").fill("admin");
    page.getByLabel("Password").fill("pw");
    page.getByRole(
            com.microsoft.playwright.options.AriaRole.BUTTON,
            new com.microsoft.playwright.Page.GetByRoleOptions().setName("Log in"))
        .click();
    com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat(
            page.getByRole(
                com.microsoft.playwright.options.AriaRole.HEADING,
                new com.microsoft.playwright.Page.GetByRoleOptions().setName("Runs")))
        .isVisible();
    page.navigate(baseUrl() + hash);
  }

  /** A protocol client connected as the agent with this credential, past its hello. */
  io.kiln.fixtures.ProtocolClient agent(String credential) throws InterruptedException {
    return new io.kiln.fixtures.ProtocolClient(URI.create(baseUrl()), credential).hello();
  }

  /** Enrolls an agent named {@code name} through the API; returns its credential. */
  String enroll(String name) throws Exception {
    String enrollment = post("/api/agents/enrollment-tokens", "").path("token").asText();
    return post(
            "/api/agents/enroll", "{\"token\":\"" + enrollment + "\",\"name\":\"" + name + "\"}")
        .path("credential")
        .asText();
  }

  /** Enrolls and starts an agent process named {@code name}, logging to {@code <name>.log}. */
  Process startAgent(String name) throws Exception {
    return startAgent(name, "http://127.0.0.1:" + port);
  }

  /** The same, given the backend addresses the agent is started with ({@code --server}). */
  Process startAgent(String name, String servers) throws Exception {
    String enrollment = post("/api/agents/enrollment-tokens", "").path("token").asText();
    return track(
        new ProcessBuilder(
                java(),
                "-jar",
                root.resolve("gpu-agent/target/kiln-agent.jar").toString(),
                "--server",
                servers,
                "--token",
                enrollment,
                "--name",
                name,
                "--work-dir",
                work.resolve(name).toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(name + ".log").toFile())
            .start());
  }

  /** The id the backend gave the agent named {@code name}, once it has enrolled. */
  long agentId(String name) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      for (JsonNode agent : get("/api/agents")) {
        if (name.equals(agent.path("name").asText())) {
          return agent.path("id").asLong();
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("agent " + name + " never enrolled: " + log(name));
  }

  String log(String name) throws IOException {
    Path file = work.resolve(name + ".log");
    return Files.exists(file) ? Files.readString(file) : "(no log)";
  }

  JsonNode awaitRun(long runId, Predicate<JsonNode> condition, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode run = null;
    while (System.nanoTime() < deadline) {
      run = get("/api/runs/" + runId);
      if (condition.test(run)) {
        return run;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("run " + runId + " did not get there in " + timeout + ": " + run);
  }

  JsonNode upload(Path zip) throws Exception {
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

  JsonNode post(String path, String body) throws Exception {
    HttpRequest request =
        authorized(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return send(request, path.endsWith("login") ? 200 : 201);
  }

  /** Posts a JSON body to an action that answers 200 (not a creation). */
  JsonNode postAction(String path, String body) throws Exception {
    HttpRequest request =
        authorized(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return send(request, 200);
  }

  JsonNode get(String path) throws Exception {
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

  String baseUrl() {
    return "http://127.0.0.1:" + port + "/";
  }

  private URI url(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private Process track(Process process) {
    processes.add(process);
    return process;
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroy();
    }
    for (Process p : processes) {
      try {
        p.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      p.destroyForcibly();
    }
  }
}
