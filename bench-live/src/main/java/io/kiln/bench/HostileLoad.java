package io.kiln.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.fixtures.HostileImages;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Issue 30's hostile load against a backend with a 1 GB heap: 20 parallel predictions of a 583 KB
 * PNG that decodes to 49 megapixels of 16-bit RGBA, 20 of a 254 KB zip of 13 entries of 20 MB of
 * zeros (both with an API key, as an outsider would), and 2 uploads of a dataset of four 10000 x
 * 10000 16-bit PNGs (44 KB), while a person's normal 28 px predictions go on alongside. Every
 * answer is tallied by status (goal: none is a 5xx), the backend's peak resident memory is read
 * from the kernel (goal: under 1.5 GB), and the normal prediction's p99 under load is set against
 * its p99 when idle (goal: under 3x).
 *
 * <p>Arguments: base URL, admin password, the backend's pid.
 */
public final class HostileLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  // HTTP/1.1 as browsers and most API clients speak to a plain-http server (no h2c upgrade).
  private static final HttpClient HTTP =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(30))
          .build();

  private HostileLoad() {}

  public static void main(String[] args) throws Exception {
    String base = args[0];
    Rest rest = new Rest(base);
    rest.login(args[1]);
    ProcessMeter backend = new ProcessMeter(Long.parseLong(args[2]));
    long dataset = rest.uploadDataset();
    long run =
        rest.createRun(
            dataset,
            "hostile-load",
            Map.of("architecture", "small-cnn", "inputSize", 28, "epochs", 1, "batchSize", 4));
    PredictLatency.waitSucceeded(base, rest.token(), run);
    String key = apiKey(base, rest.token());

    byte[] normal = PredictLatency.photo(56);
    for (int i = 0; i < 30; i++) {
      expectOk(send(base, rest.token(), "/api/runs/" + run + "/predict", "photo.png", normal));
    }
    double[] idle = new double[200];
    for (int i = 0; i < idle.length; i++) {
      idle[i] = timed(base, rest.token(), run, normal);
    }
    long rssBefore = backend.rssMegabytes();

    System.err.println("making the hostile files…");
    byte[] huge = HostileImages.uniformPng16(7000, 7000, 4000, 50000, 20000, 65535);
    byte[] zeros = zerosZip();
    byte[] upload = hugeDataset();
    System.err.printf(
        Locale.ROOT,
        "hostile files: PNG %d KB (49 MP), zeros zip %d KB, dataset %d KB%n",
        huge.length / 1024,
        zeros.length / 1024,
        upload.length / 1024);

    Map<String, Map<Integer, Integer>> answers = new ConcurrentHashMap<>();
    AtomicLong sampledPeak = new AtomicLong(rssBefore);
    ExecutorService pool = Executors.newFixedThreadPool(43);
    List<Future<?>> hostile = new ArrayList<>();
    long start = System.nanoTime();
    // HOSTILE_KINDS (png,zip,upload by default) runs some kinds alone, to see which one costs what.
    String kinds = System.getenv().getOrDefault("HOSTILE_KINDS", "png,zip,upload");
    for (int i = 0; i < 20 && kinds.contains("png"); i++) {
      hostile.add(
          pool.submit(
              () -> tally(answers, "49 MP PNG", send(base, key, predict(run), "huge.png", huge))));
      hostile.add(
          pool.submit(
              () ->
                  tally(answers, "zeros zip", send(base, key, predict(run), "zeros.zip", zeros))));
    }
    for (int i = 0; i < 2; i++) {
      hostile.add(
          pool.submit(
              () ->
                  tally(
                      answers,
                      "10000 px upload",
                      send(base, rest.token(), "/api/datasets", "huge.zip", upload))));
    }
    Future<?> sampler =
        pool.submit(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                try {
                  sampledPeak.accumulateAndGet(backend.rssMegabytes(), Math::max);
                  Thread.sleep(100);
                } catch (InterruptedException e) {
                  return null;
                }
              }
              return null;
            });
    List<Double> loaded = new ArrayList<>();
    int normalFailures = 0;
    while (hostile.stream().anyMatch(f -> !f.isDone()) || loaded.size() < 20) {
      long t = System.nanoTime();
      HttpResponse<String> answer =
          send(base, rest.token(), "/api/runs/" + run + "/predict", "photo.png", normal);
      if (answer.statusCode() == 200) {
        loaded.add((System.nanoTime() - t) / 1e6);
        if (loaded.get(loaded.size() - 1) > 1000) {
          System.err.printf(
              Locale.ROOT,
              "a normal prediction took %.0f ms, from %.1f s%n",
              loaded.get(loaded.size() - 1),
              (t - start) / 1e9);
        }
      } else {
        normalFailures++;
        tally(answers, "normal 28 px (failed)", answer);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    for (Future<?> f : hostile) {
      f.get();
    }
    sampler.cancel(true);
    pool.shutdownNow();
    long peak = Math.max(sampledPeak.get(), backend.peakRssMegabytes());

    double idleP50 = PredictLatency.percentile(idle, 0.5);
    double idleP99 = PredictLatency.percentile(idle, 0.99);
    double[] under = loaded.stream().mapToDouble(Double::doubleValue).toArray();
    double loadP50 = PredictLatency.percentile(under, 0.5);
    double loadP99 = PredictLatency.percentile(under, 0.99);
    int errors = 0;
    for (Map.Entry<String, Map<Integer, Integer>> kind : new TreeMap<>(answers).entrySet()) {
      System.err.println(
          kind.getKey() + ": " + new TreeMap<>(kind.getValue()) + " (status: count)");
      for (var status : kind.getValue().entrySet()) {
        errors += status.getKey() >= 500 ? status.getValue() : 0;
      }
    }
    System.err.printf(
        Locale.ROOT,
        "the hostile requests took %.1f s; %d normal predictions alongside, %d failed%n",
        seconds,
        under.length,
        normalFailures);
    System.err.printf(
        Locale.ROOT,
        "normal 28 px prediction: idle p50 %.1f ms p99 %.1f ms · under load p50 %.1f ms p99 %.1f"
            + " ms (goal: p99 under 3x idle)%n",
        idleP50,
        idleP99,
        loadP50,
        loadP99);
    System.err.printf(
        Locale.ROOT,
        "backend resident memory: %d MB before, peak %d MB (goal: under 1536 MB with -Xmx1g);"
            + " 5xx answers: %d (goal: 0)%n",
        rssBefore,
        peak,
        errors);
    System.out.printf(
        Locale.ROOT,
        "RESULT name=hostile-load kiln=%.1f reference=%.1f ratio=%.2f unit=ms (p99 of a 28 px"
            + " prediction under the hostile load vs idle; peak RSS %d MB; %d 5xx)%n",
        loadP99,
        idleP99,
        loadP99 / idleP99,
        peak,
        errors);
  }

  private static String predict(long run) {
    return "/api/runs/" + run + "/predict";
  }

  private static double timed(String base, String token, long run, byte[] png) throws Exception {
    long start = System.nanoTime();
    expectOk(send(base, token, predict(run), "photo.png", png));
    return (System.nanoTime() - start) / 1e6;
  }

  private static void expectOk(HttpResponse<String> answer) {
    if (answer.statusCode() != 200) {
      throw new IllegalStateException(answer.statusCode() + ": " + answer.body());
    }
  }

  private static Object tally(
      Map<String, Map<Integer, Integer>> answers, String kind, HttpResponse<String> answer) {
    answers
        .computeIfAbsent(kind, k -> new ConcurrentHashMap<>())
        .merge(answer.statusCode(), 1, Integer::sum);
    if (answer.statusCode() >= 500) {
      System.err.println(kind + " answered " + answer.statusCode() + ": " + answer.body());
    }
    return null;
  }

  /** One multipart file upload; a failed connection counts as status 599. */
  static HttpResponse<String> send(
      String base, String token, String path, String fileName, byte[] file) {
    try {
      String boundary = "kilnbench" + System.nanoTime();
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      body.write(
          ("--"
                  + boundary
                  + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                  + fileName
                  + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
              .getBytes(StandardCharsets.UTF_8));
      body.write(file);
      body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
      return HTTP.send(
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofMinutes(10))
              .header("Authorization", "Bearer " + token)
              .header("Content-Type", "multipart/form-data; boundary=" + boundary)
              .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      return new Failed(e);
    }
  }

  private static String apiKey(String base, String token) throws Exception {
    HttpResponse<String> answer =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/api/api-keys"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"outsider\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return JSON.readTree(answer.body()).path("secret").asText();
  }

  /** 13 entries of 20 MB of zeros, deflated: about 254 KB. */
  private static byte[] zerosZip() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] block = new byte[1 << 20];
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.setLevel(9);
      for (int i = 0; i < 13; i++) {
        zip.putNextEntry(new ZipEntry("zeros-" + i + ".png"));
        for (int mb = 0; mb < 20; mb++) {
          zip.write(block);
        }
        zip.closeEntry();
      }
    }
    return out.toByteArray();
  }

  /** A dataset of two classes of two 10000 x 10000 16-bit RGBA PNGs of one colour each. */
  private static byte[] hugeDataset() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.setLevel(9);
      int n = 0;
      for (String cls : new String[] {"red", "blue"}) {
        for (int i = 0; i < 2; i++) {
          zip.putNextEntry(new ZipEntry(cls + "/" + i + ".png"));
          zip.write(
              HostileImages.uniformPng16(
                  10000, 10000, cls.equals("red") ? 60000 : 1000, 3000 * n++, 2000, 65535));
          zip.closeEntry();
        }
      }
    }
    return out.toByteArray();
  }

  /** A request that got no answer at all. */
  private record Failed(Exception cause) implements HttpResponse<String> {
    @Override
    public int statusCode() {
      return 599;
    }

    @Override
    public String body() {
      return "no answer: " + cause;
    }

    @Override
    public HttpRequest request() {
      return null;
    }

    @Override
    public java.util.Optional<HttpResponse<String>> previousResponse() {
      return java.util.Optional.empty();
    }

    @Override
    public java.net.http.HttpHeaders headers() {
      return java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true);
    }

    @Override
    public URI uri() {
      return null;
    }

    @Override
    public HttpClient.Version version() {
      return HttpClient.Version.HTTP_1_1;
    }

    @Override
    public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
      return java.util.Optional.empty();
    }
  }
}
