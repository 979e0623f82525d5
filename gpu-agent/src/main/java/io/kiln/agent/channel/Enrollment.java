package io.kiln.agent.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Gets the agent's own credential: read from the work directory, or obtained once by exchanging a
 * one-time enrollment token and saved there (owner-only permissions).
 */
public final class Enrollment {
  private static final Logger LOG = Logger.getLogger(Enrollment.class.getName());

  private Enrollment() {}

  /**
   * Waits for an unreachable backend (still starting, or down) with back-off; any answer is
   * returned.
   */
  private static HttpResponse<String> sendPatiently(HttpRequest request)
      throws InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    long backoffMs = 250;
    while (true) {
      try {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        LOG.warning(
            "cannot reach "
                + request.uri()
                + " to enroll ("
                + e.getClass().getSimpleName()
                + "); retrying");
        Thread.sleep(backoffMs);
        backoffMs = Math.min(10_000, backoffMs * 2);
      }
    }
  }

  public static String credential(URI server, Path workDir, String token, String name)
      throws IOException, InterruptedException {
    return credential(server, workDir, token, name, "");
  }

  /** As above, asking for these labels (comma-separated) at enrollment. */
  public static String credential(
      URI server, Path workDir, String token, String name, String labels)
      throws IOException, InterruptedException {
    Path file = workDir.resolve("credential");
    if (Files.exists(file)) {
      return Files.readString(file).trim();
    }
    if (token == null || token.isBlank()) {
      throw new IOException(
          "no credential in "
              + file
              + " and no enrollment token: ask an admin for one"
              + " (POST /api/agents/enrollment-tokens) and pass it with --token");
    }
    ObjectMapper json = new ObjectMapper();
    HttpRequest request =
        HttpRequest.newBuilder(server.resolve("api/agents/enroll"))
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    json.writeValueAsString(
                        Map.of(
                            "token",
                            token,
                            "name",
                            name,
                            "labels",
                            java.util.Arrays.stream(labels.split(","))
                                .map(String::trim)
                                .filter(l -> !l.isEmpty())
                                .toList()))))
            .build();
    HttpResponse<String> response = sendPatiently(request);
    if (response.statusCode() != 201) {
      String reason;
      try {
        reason = json.readTree(response.body()).path("error").asText(response.body());
      } catch (IOException notJson) {
        reason = response.body();
      }
      throw new BackendRefusedException(
          "the server refused the enrollment (HTTP " + response.statusCode() + "): " + reason);
    }
    JsonNode body = json.readTree(response.body());
    String credential = body.path("credential").asText();
    Files.createDirectories(workDir);
    Files.writeString(file, credential);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
    return credential;
  }
}
