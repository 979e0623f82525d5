package io.kiln.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.internet.MimeMessage;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 35's benchmark: runs end (a lead cancels queued runs of five members) at a fixed rate for a
 * while, with five team webhooks and each member's e-mail chosen; halfway the backend is killed
 * with SIGKILL and started again. Every event must reach every webhook and every e-mail once (by
 * delivery id; a repeat of the same delivery is counted apart), and the p99 from the ending's
 * commit (the cancel request's start, an upper bound) to the receiver is reported beside the p99 of
 * the same webhook posts sent straight from this process (the reference: what a POST costs with no
 * Kiln in between).
 *
 * <p>Usage: NotifyLoad backend-jar rate seconds
 */
public final class NotifyLoad {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int HOOKS = 5;
  private static final int MEMBERS = 5;
  private static final Pattern RUN_IN_SUBJECT = Pattern.compile("#(\\d+)");

  /** First arrival (epoch ms) per "hook:run", the delivery ids seen per key, and repeats. */
  private static final Map<String, Long> arrived = new ConcurrentHashMap<>();

  private static final Map<String, Set<String>> deliveryIds = new ConcurrentHashMap<>();
  private static final AtomicInteger repeats = new AtomicInteger();

  public static void main(String[] args) throws Exception {
    String jar = args[0];
    int rate = Integer.parseInt(args[1]);
    int seconds = Integer.parseInt(args[2]);
    int runs = rate * seconds;

    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
    receiver.setExecutor(Executors.newFixedThreadPool(16));
    for (int h = 0; h < HOOKS; h++) {
      int hook = h;
      receiver.createContext(
          "/hook/" + h,
          exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            long now = System.currentTimeMillis();
            JsonNode event = JSON.readTree(body);
            String key = hook + ":" + event.path("run").path("id").asLong();
            String delivery = exchange.getRequestHeaders().getFirst("Kiln-Delivery");
            if (delivery == null) {
              delivery = "direct-" + event.path("delivery").asText();
            }
            arrived.putIfAbsent(key, now);
            if (!deliveryIds
                .computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet())
                .add(delivery)) {
              repeats.incrementAndGet();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
          });
    }
    receiver.start();
    int smtpPort = freePort();
    GreenMail smtp =
        new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();

    Path data = Files.createTempDirectory("kiln-notify-bench");
    int port = freePort();
    Backend backend = new Backend(jar, data, port, smtpPort);
    backend.start();
    String base = "http://127.0.0.1:" + port;
    Rest rest = new Rest(base);
    rest.login("bench-password");
    try {
      long team =
          rest.call("POST", "/api/teams", Map.of("name", "bench"), null).path("id").asLong();
      List<String> tokens = new ArrayList<>();
      for (int m = 0; m < MEMBERS; m++) {
        JsonNode made =
            rest.call(
                "POST",
                "/api/users",
                Map.of("username", "member" + m, "role", "member", "teamIds", List.of(team)),
                null);
        String token =
            rest.call(
                    "POST",
                    "/api/auth/login",
                    Map.of("username", "member" + m, "password", made.path("password").asText()),
                    null)
                .path("token")
                .asText();
        tokens.add(token);
        rest.call(
            "PUT",
            "/api/notifications/email",
            Map.of("email", "member" + m + "@bench.test", "kinds", List.of("run-cancelled")),
            token);
      }
      for (int h = 0; h < HOOKS; h++) {
        rest.call(
            "POST",
            "/api/webhooks",
            Map.of(
                "teamId",
                team,
                "url",
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook/" + h,
                "kinds",
                List.of("run-cancelled"),
                "allowPrivate",
                true),
            null);
      }
      long dataset = rest.uploadDataset(tokens.get(0));
      long[] ids = createRuns(rest, tokens, dataset, runs);
      System.out.printf(Locale.ROOT, "notify: %d queued runs of %d members%n", runs, MEMBERS);

      // The endings, at the rate, with a SIGKILL and restart halfway.
      long[] sent = new long[runs];
      boolean[] timed = new boolean[runs];
      ExecutorService callers = Executors.newFixedThreadPool(32);
      long t0 = System.currentTimeMillis() + 500;
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        int n = i;
        long at = t0 + (long) i * 1000 / rate;
        calls.add(
            callers.submit(
                () -> {
                  sleepUntil(at);
                  cancel(rest, ids[n], sent, timed, n);
                  return null;
                }));
      }
      sleepUntil(t0 + seconds * 500L);
      long killedAt = System.currentTimeMillis();
      backend.kill();
      backend.start();
      long downMs = System.currentTimeMillis() - killedAt;
      System.out.printf(
          Locale.ROOT, "notify: backend killed with SIGKILL and ready again after %d ms%n", downMs);
      for (Future<?> f : calls) {
        f.get();
      }
      long endedAt = System.currentTimeMillis();
      double achieved = runs / ((endedAt - t0) / 1000.0);
      int expectedHooks = runs * HOOKS;
      long deadline = System.currentTimeMillis() + 300_000;
      while ((arrived.size() < expectedHooks || mailRuns(smtp).size() < runs)
          && System.currentTimeMillis() < deadline) {
        Thread.sleep(200);
      }
      int lostHooks = expectedHooks - arrived.size();
      long doubled = deliveryIds.values().stream().filter(s -> s.size() > 1).count();
      // Per run, the delivery ids its e-mails carried: one id twice is a repeat, two ids a double.
      Map<Long, Set<String>> mailPerRun = mailRuns(smtp);
      int mails = smtp.getReceivedMessages().length;
      int mailRepeats = mails - mailPerRun.values().stream().mapToInt(Set::size).sum();
      int lostMail = (int) Arrays.stream(ids).filter(id -> !mailPerRun.containsKey(id)).count();
      long doubledMail = mailPerRun.values().stream().filter(c -> c.size() > 1).count();
      List<Long> all = new ArrayList<>();
      List<Long> steady = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        if (!timed[i]) {
          continue;
        }
        for (int h = 0; h < HOOKS; h++) {
          Long got = arrived.get(h + ":" + ids[i]);
          if (got != null) {
            long latency = got - sent[i];
            all.add(latency);
            if (sent[i] < killedAt - 2000 || sent[i] > killedAt + downMs + 10_000) {
              steady.add(latency);
            }
          }
        }
      }
      System.out.printf(
          Locale.ROOT,
          "notify: %d endings at %.0f/s (asked %d/s); %d webhook deliveries expected, %d lost, %d"
              + " doubled (two delivery ids for one event), %d repeats of one delivery id; %d"
              + " e-mails expected, %d lost, %d doubled, %d repeats%n",
          runs,
          achieved,
          rate,
          expectedHooks,
          lostHooks,
          doubled,
          repeats.get(),
          runs,
          lostMail,
          doubledMail,
          mailRepeats);
      System.out.printf(
          Locale.ROOT,
          "notify: commit to webhook receiver: p50 %d ms, p99 %d ms over all; p99 %d ms away from"
              + " the kill (%d samples)%n",
          percentile(all, 50),
          percentile(all, 99),
          percentile(steady, 99),
          steady.size());
      long reference = direct(receiver.getAddress().getPort(), ids, rate);
      System.out.printf(
          Locale.ROOT,
          "notify: reference, the same posts straight from this process: p99 %d ms%n",
          reference);
      System.out.printf(
          Locale.ROOT,
          "RESULT name=notify-p99 kiln=%d reference=%d ratio=%.1f unit=ms%n",
          percentile(steady, 99),
          reference,
          percentile(steady, 99) / (double) Math.max(1, reference));
      if (lostHooks > 0 || doubled > 0 || lostMail > 0 || doubledMail > 0) {
        System.out.println("notify: FAILED: something was lost or doubled");
        System.exit(1);
      }
    } finally {
      backend.kill();
      smtp.stop();
      receiver.stop(0);
    }
    System.exit(0); // the callers' and receivers' thread pools would keep the JVM alive
  }

  private static long[] createRuns(Rest rest, List<String> tokens, long dataset, int runs)
      throws Exception {
    long[] ids = new long[runs];
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> made = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      int n = i;
      made.add(
          pool.submit(
              () -> {
                ids[n] =
                    rest.call(
                            "POST",
                            "/api/runs",
                            Map.of("datasetId", dataset, "name", "ending " + n, "epochs", 1),
                            tokens.get(n % tokens.size()))
                        .path("id")
                        .asLong();
                return null;
              }));
    }
    for (Future<?> f : made) {
      f.get();
    }
    pool.shutdown();
    return ids;
  }

  /** Cancels the run; while the backend is down, tries again. A 409 means it ended before. */
  private static void cancel(Rest rest, long id, long[] sent, boolean[] timed, int n)
      throws InterruptedException {
    while (true) {
      long start = System.currentTimeMillis();
      int status = rest.status("POST", "/api/runs/" + id + "/cancel");
      if (status == 200) {
        sent[n] = start;
        timed[n] = true;
        return;
      }
      if (status == 409) {
        return; // it was cancelled by a try whose answer the kill cut off: not timed
      }
      Thread.sleep(200);
    }
  }

  /** The reference: each ending's five posts sent straight to the receivers at the same rate. */
  private static long direct(int port, long[] ids, int rate) throws Exception {
    arrived.clear();
    deliveryIds.clear();
    HttpClient http = HttpClient.newHttpClient();
    ExecutorService pool = Executors.newFixedThreadPool(32);
    long[] sent = new long[ids.length];
    long t0 = System.currentTimeMillis() + 200;
    List<Future<?>> calls = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      int n = i;
      long at = t0 + (long) i * 1000 / rate;
      calls.add(
          pool.submit(
              () -> {
                sleepUntil(at);
                sent[n] = System.currentTimeMillis();
                // The five posts at once, as the worker sends them.
                List<java.util.concurrent.CompletableFuture<?>> posts = new ArrayList<>();
                for (int h = 0; h < HOOKS; h++) {
                  String body =
                      "{\"delivery\":" + (n * HOOKS + h) + ",\"run\":{\"id\":" + ids[n] + "}}";
                  posts.add(
                      http.sendAsync(
                          HttpRequest.newBuilder(
                                  URI.create("http://127.0.0.1:" + port + "/hook/" + h))
                              .POST(HttpRequest.BodyPublishers.ofString(body))
                              .build(),
                          HttpResponse.BodyHandlers.discarding()));
                }
                posts.forEach(java.util.concurrent.CompletableFuture::join);
                return null;
              }));
    }
    for (Future<?> f : calls) {
      f.get();
    }
    pool.shutdown();
    List<Long> latencies = new ArrayList<>();
    for (int i = 0; i < ids.length; i++) {
      for (int h = 0; h < HOOKS; h++) {
        Long got = arrived.get(h + ":" + ids[i]);
        if (got != null) {
          latencies.add(got - sent[i]);
        }
      }
    }
    return percentile(latencies, 99);
  }

  /** The runs e-mailed about, each with the delivery ids of its e-mails. */
  private static Map<Long, Set<String>> mailRuns(GreenMail smtp) throws Exception {
    Map<Long, Set<String>> perRun = new java.util.HashMap<>();
    for (MimeMessage m : smtp.getReceivedMessages()) {
      Matcher match = RUN_IN_SUBJECT.matcher(m.getSubject());
      if (match.find()) {
        String[] id = m.getHeader("Kiln-Delivery");
        perRun
            .computeIfAbsent(Long.parseLong(match.group(1)), k -> new java.util.HashSet<>())
            .add(id == null ? "?" : id[0]);
      }
    }
    return perRun;
  }

  private static long percentile(List<Long> values, int p) {
    if (values.isEmpty()) {
      return -1;
    }
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static void sleepUntil(long at) throws InterruptedException {
    long wait = at - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The backend as its own process (H2 in a fresh folder), killed with SIGKILL when asked. */
  private static final class Backend {
    private final String jar;
    private final Path data;
    private final int port;
    private final int smtpPort;
    private Process process;

    Backend(String jar, Path data, int port, int smtpPort) {
      this.jar = jar;
      this.data = data;
      this.port = port;
      this.smtpPort = smtpPort;
    }

    void start() throws Exception {
      ProcessBuilder pb = new ProcessBuilder("java", "-Xmx1g", "-jar", jar);
      Map<String, String> env = pb.environment();
      env.put("KILN_DATA_DIR", data.toString());
      env.put("KILN_ADMIN_PASSWORD", "bench-password");
      env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
      env.put("QUARKUS_LOG_LEVEL", "WARN");
      env.put("KILN_MAIL_FROM", "kiln@bench.test");
      env.put("QUARKUS_MAILER_HOST", "127.0.0.1");
      env.put("QUARKUS_MAILER_PORT", Integer.toString(smtpPort));
      env.put("QUARKUS_MAILER_MOCK", "false");
      pb.redirectErrorStream(true);
      pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File(data.toFile(), "backend.log")));
      process = pb.start();
      HttpClient http = HttpClient.newHttpClient();
      long deadline = System.currentTimeMillis() + 120_000;
      while (System.currentTimeMillis() < deadline) {
        try {
          if (http.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode()
              == 200) {
            return;
          }
        } catch (java.io.IOException e) {
          // not up yet
        }
        Thread.sleep(100);
      }
      throw new IllegalStateException("the backend did not start; see " + data + "/backend.log");
    }

    void kill() throws InterruptedException {
      if (process != null && process.isAlive()) {
        process.destroyForcibly(); // SIGKILL
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }
}
