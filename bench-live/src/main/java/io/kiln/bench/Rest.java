package io.kiln.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * The REST calls the benchmark needs to set up a run: log in, upload a dataset, enroll an agent,
 * launch.
 */
final class Rest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private final String base;
  private String token;

  Rest(String base) {
    this.base = base;
  }

  String token() {
    return token;
  }

  void login(String password) throws Exception {
    token =
        post("/api/auth/login", Map.of("username", "admin", "password", password))
            .path("token")
            .asText();
  }

  long uploadDataset() throws Exception {
    return uploadDataset(token);
  }

  /** Uploads the small dataset as the holder of {@code bearer}, into their team. */
  long uploadDataset(String bearer) throws Exception {
    String boundary = "kilnbench" + System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bench.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.write(zip());
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/api/datasets"))
            .header("Authorization", "Bearer " + bearer)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build();
    return send(request).path("id").asLong();
  }

  String enrollAgent() throws Exception {
    String enrollment = post("/api/agents/enrollment-tokens", Map.of()).path("token").asText();
    return post("/api/agents/enroll", Map.of("token", enrollment, "name", "bench-agent"))
        .path("credential")
        .asText();
  }

  long createRun(long datasetId) throws Exception {
    return post(
            "/api/runs",
            Map.of("datasetId", datasetId, "epochs", 1000, "name", "live-latency bench"))
        .path("id")
        .asLong();
  }

  long createRun(long datasetId, String name, Map<String, Object> fields) throws Exception {
    Map<String, Object> body = new java.util.HashMap<>(fields);
    body.put("datasetId", datasetId);
    body.put("name", name);
    return post("/api/runs", body).path("id").asLong();
  }

  /**
   * The backend's own p50 and p99 of each Micrometer timer whose Prometheus name starts with one of
   * {@code prefixes}, in milliseconds, as "name p50=.. p99=.." lines.
   */
  List<String> timers(String... prefixes) throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/q/metrics"))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    Map<String, Map<String, Double>> byName = new java.util.TreeMap<>();
    for (String line : response.body().split("\n")) {
      int q = line.indexOf("_seconds{quantile=\"");
      if (q < 0 || java.util.Arrays.stream(prefixes).noneMatch(line::startsWith)) {
        continue;
      }
      String quantile = line.substring(q + 19, line.indexOf('"', q + 19));
      double seconds = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      byName
          .computeIfAbsent(line.substring(0, q), k -> new java.util.TreeMap<>())
          .put(quantile, seconds * 1000);
    }
    List<String> out = new java.util.ArrayList<>();
    byName.forEach(
        (name, quantiles) ->
            out.add(
                String.format(
                    "%-28s p50 %8.2f ms   p99 %8.2f ms",
                    name,
                    quantiles.getOrDefault("0.5", Double.NaN),
                    quantiles.getOrDefault("0.99", Double.NaN))));
    return out;
  }

  /** Any call as the holder of {@code asToken} (the admin's when null); 3xx-5xx throw. */
  JsonNode call(String method, String path, Object body, String asToken) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    String bearer = asToken != null ? asToken : token;
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return send(request.build());
  }

  /** The status of a call as the admin, or -1 when the backend did not answer. */
  int status(String method, String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create(base + path))
                  .header("Authorization", "Bearer " + token)
                  .method(method, HttpRequest.BodyPublishers.noBody())
                  .timeout(java.time.Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private JsonNode post(String path, Object body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return send(request.build());
  }

  private JsonNode send(HttpRequest request) throws Exception {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IOException(
          request.uri() + " answered " + response.statusCode() + ": " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /** Two classes of five tiny PNGs: enough for a valid dataset. */
  private static byte[] zip() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (String cls : new String[] {"light", "dark"}) {
        for (int i = 0; i < 5; i++) {
          BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
          image.getRaster().setSample(i, i, 0, cls.equals("light") ? 250 : 10);
          zip.putNextEntry(new ZipEntry(cls + "/" + i + ".png"));
          ImageIO.write(image, "png", zip);
          zip.closeEntry();
        }
      }
    }
    return bytes.toByteArray();
  }
}
