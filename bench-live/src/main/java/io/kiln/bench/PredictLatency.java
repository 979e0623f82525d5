package io.kiln.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.core.data.ImagePixels;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;

/**
 * One-image predictions through {@code POST /api/runs/{id}/predict} (HTTP, multipart, decoding,
 * preprocessing, ONNX Runtime, the log write) against the bare ONNX Runtime call on the same
 * exported model in this JVM (the ceiling), for the small CNN at 28 px and ResNet-18 at 224 px,
 * both trained for real by the backend's local agent on a tiny dataset (weights do not change the
 * cost of inference). Alternating rounds; p50 and p99 of each.
 *
 * <p>Arguments: base URL, admin password, requests per round, rounds.
 */
public final class PredictLatency {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private PredictLatency() {}

  public static void main(String[] args) throws Exception {
    String base = args[0];
    Rest rest = new Rest(base);
    rest.login(args[1]);
    int requests = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    long dataset = rest.uploadDataset();
    double[] small = measure(rest, base, dataset, "small-cnn", 28, requests, rounds);
    double[] resnet = measure(rest, base, dataset, "resnet-18", 224, requests, rounds);
    System.out.printf(
        Locale.ROOT,
        "small-cnn 28 px: kiln p50 %.2f ms p99 %.2f ms · bare p50 %.2f ms p99 %.2f ms ·"
            + " ratio at p50 %.2f%n",
        small[0],
        small[1],
        small[2],
        small[3],
        small[0] / small[2]);
    System.out.printf(
        Locale.ROOT,
        "resnet-18 224 px: kiln p50 %.2f ms p99 %.2f ms · bare p50 %.2f ms p99 %.2f ms ·"
            + " ratio at p50 %.2f%n",
        resnet[0],
        resnet[1],
        resnet[2],
        resnet[3],
        resnet[0] / resnet[2]);
    System.out.printf(
        Locale.ROOT,
        "RESULT name=predict-latency kiln=%.2f reference=%.2f ratio=%.2f unit=ms"
            + " (p50, one image, resnet-18 224 px)%n",
        resnet[0],
        resnet[2],
        resnet[0] / resnet[2]);
  }

  /** {kiln p50, kiln p99, bare p50, bare p99} in milliseconds. */
  private static double[] measure(
      Rest rest, String base, long dataset, String arch, int size, int requests, int rounds)
      throws Exception {
    long run =
        rest.createRun(
            dataset,
            "predict-latency " + arch,
            Map.of("architecture", arch, "inputSize", size, "epochs", 1, "batchSize", 4));
    waitSucceeded(base, rest.token(), run);
    byte[] onnx = onnxOf(base, rest.token(), run);
    byte[] png = photo(size * 2);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions())) {
      int channels =
          (int)
              ((ai.onnxruntime.TensorInfo) session.getInputInfo().get("image").getInfo())
                  .getShape()[1];
      float[] pixels = ImagePixels.of(png, channels, size, Long.MAX_VALUE);
      long[] shape = {1, channels, size, size};
      double[] kiln = new double[requests * rounds];
      double[] bare = new double[requests * rounds];
      for (int warm = 0; warm < 20; warm++) {
        predict(base, rest.token(), run, png);
        bare(env, session, pixels, shape);
      }
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < requests; i++) {
          kiln[round * requests + i] = predict(base, rest.token(), run, png);
        }
        for (int i = 0; i < requests; i++) {
          bare[round * requests + i] = bare(env, session, pixels, shape);
        }
      }
      return new double[] {
        percentile(kiln, 0.5), percentile(kiln, 0.99), percentile(bare, 0.5), percentile(bare, 0.99)
      };
    }
  }

  private static double predict(String base, String token, long run, byte[] png) throws Exception {
    String boundary = "kilnbench" + System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.write(png);
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + "/api/runs/" + run + "/predict"))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
            .build();
    long start = System.nanoTime();
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    double millis = (System.nanoTime() - start) / 1e6;
    if (response.statusCode() != 200 || response.body().contains("\"error\":\"")) {
      throw new IllegalStateException("prediction failed: " + response.body());
    }
    return millis;
  }

  private static double bare(OrtEnvironment env, OrtSession session, float[] pixels, long[] shape)
      throws Exception {
    long start = System.nanoTime();
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), shape);
        OrtSession.Result result = session.run(Map.of("image", input))) {
      result.get("probabilities").orElseThrow().getValue();
    }
    return (System.nanoTime() - start) / 1e6;
  }

  static void waitSucceeded(String base, String token, long run) throws Exception {
    long deadline = System.currentTimeMillis() + 600_000;
    while (System.currentTimeMillis() < deadline) {
      JsonNode view = JSON.readTree(get(base + "/api/runs/" + run, token));
      String state = view.path("state").asText();
      if (state.equals("succeeded")) {
        if (!view.path("onnxAvailable").asBoolean()) {
          throw new IllegalStateException("run " + run + " has no ONNX model");
        }
        return;
      }
      if (state.equals("failed") || state.equals("cancelled")) {
        throw new IllegalStateException(
            "run " + run + " " + state + ": " + view.path("failureReason"));
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("run " + run + " did not finish in 10 minutes");
  }

  private static byte[] onnxOf(String base, String token, long run) throws Exception {
    HttpResponse<byte[]> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/api/runs/" + run + "/model"))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(response.body()))) {
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        if (entry.getName().equals("model.onnx")) {
          return zip.readAllBytes();
        }
      }
    }
    throw new IllegalStateException("the model of run " + run + " holds no model.onnx");
  }

  private static String get(String url, String token) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** A colour noise picture twice the model's size, as a photo would need resizing. */
  static byte[] photo(int side) throws Exception {
    BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(1);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        image.setRGB(x, y, random.nextInt(0x1000000));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }

  static double percentile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
