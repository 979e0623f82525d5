package io.kiln.e2e;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Kiln started exactly as a newcomer starts it: the README's run script, with a fresh data
 * directory and a free port. Its output goes to target/kiln-app.log.
 */
final class KilnApp implements AutoCloseable {
  static final String PASSWORD = "e2e-admin-password";
  final Path root;
  final int port;
  final Process script;
  final Path log;
  long startupMillis;

  private KilnApp(Path root, int port, Process script, Path log) {
    this.root = root;
    this.port = port;
    this.script = script;
    this.log = log;
  }

  static KilnApp start() throws Exception {
    Path root = Path.of(System.getProperty("kiln.root", "..")).toAbsolutePath().normalize();
    if (!Files.exists(root.resolve("backend/target/quarkus-app/quarkus-run.jar"))) {
      throw new IllegalStateException(
          "build the backend first (mvn verify builds every module before this one)");
    }
    Path data = root.resolve("e2e-tests/target/kiln-data");
    deleteTree(data);
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Path log = root.resolve("e2e-tests/target/kiln-app.log");
    ProcessBuilder builder =
        new ProcessBuilder("bash", root.resolve("kiln").toString())
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder
        .environment()
        .putAll(
            java.util.Map.of(
                "QUARKUS_HTTP_PORT",
                Integer.toString(port),
                "KILN_DATA_DIR",
                data.toString(),
                "KILN_ADMIN_PASSWORD",
                PASSWORD,
                "KILN_SKIP_BUILD",
                "1"));
    long start = System.nanoTime();
    KilnApp app = new KilnApp(root, port, builder.start(), log);
    app.awaitReady(Duration.ofSeconds(120));
    app.startupMillis = (System.nanoTime() - start) / 1_000_000;
    return app;
  }

  String url() {
    return "http://localhost:" + port + "/";
  }

  /** The Java processes the script started: the backend and, below it, the local agent. */
  List<ProcessHandle> javaProcesses() {
    return script
        .descendants()
        .filter(p -> p.info().command().orElse("").endsWith("java"))
        .toList();
  }

  private void awaitReady(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!script.isAlive()) {
        throw new IllegalStateException("Kiln exited during start-up:\n" + Files.readString(log));
      }
      try {
        HttpURLConnection c =
            (HttpURLConnection) URI.create(url() + "q/health/ready").toURL().openConnection();
        if (c.getResponseCode() == 200 && Files.readString(log).contains("Kiln is running")) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException(
        "Kiln did not become ready in " + timeout + ":\n" + Files.readString(log));
  }

  /** SIGTERM to the script, as a user's Ctrl-C or a service manager would send. */
  boolean stop(Duration timeout) throws InterruptedException {
    script.destroy();
    return script.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws Exception {
    if (script.isAlive()) {
      List<ProcessHandle> children = javaProcesses();
      stop(Duration.ofSeconds(30));
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
