package io.kiln.backend.notify;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import com.sun.net.httpserver.HttpServer;
import io.kiln.backend.support.Api;
import io.kiln.backend.support.People;
import io.kiln.backend.support.TestAgent;
import io.kiln.core.notify.WebhookSignature;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 35 against a real HTTP receiver: a run's end reaches its creator's bell and the team's
 * webhook, signed, retried through two 500 answers with the same delivery id, written once however
 * often the run is published; the review loop tells the leads and then the one who asked; private
 * addresses need an admin.
 */
@QuarkusTest
class NotifyTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TestHTTPResource("/")
  URI base;

  record Received(String delivery, String event, String signature, String body) {}

  private HttpServer receiver;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger failFirst = new AtomicInteger();

  @BeforeEach
  void receive() throws Exception {
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          received.add(
              new Received(
                  exchange.getRequestHeaders().getFirst("Kiln-Delivery"),
                  exchange.getRequestHeaders().getFirst("Kiln-Event"),
                  exchange.getRequestHeaders().getFirst(WebhookSignature.HEADER),
                  body));
          int status = failFirst.getAndDecrement() > 0 ? 500 : 200;
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    receiver.start();
  }

  @AfterEach
  void stop() {
    receiver.stop(0);
  }

  @Test
  void aRunEndReachesTheBellAndASignedRetriedWebhookOnce() throws Exception {
    long team = People.team("notify");
    People.Person lead = People.create("lead", team);
    People.Person member = People.create("member", team);
    String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";

    // No SSRF from a team's settings: a lead may not reach a private address, nor allow one.
    lead.as()
        .contentType(ContentType.JSON)
        .body(Map.of("teamId", team, "url", url))
        .post("/api/webhooks")
        .then()
        .statusCode(400)
        .body("error", containsString("private or internal address"));
    lead.as()
        .contentType(ContentType.JSON)
        .body(Map.of("teamId", team, "url", url, "allowPrivate", true))
        .post("/api/webhooks")
        .then()
        .statusCode(403);
    member
        .as()
        .contentType(ContentType.JSON)
        .body(Map.of("teamId", team, "url", "https://example.com/x"))
        .post("/api/webhooks")
        .then()
        .statusCode(403);
    lead.as()
        .contentType(ContentType.JSON)
        .body(Map.of("teamId", team, "url", "ftp://example.com/x"))
        .post("/api/webhooks")
        .then()
        .statusCode(400)
        .body("error", containsString("http:// or https://"));
    JsonPath hook =
        Api.as()
            .contentType(ContentType.JSON)
            .body(Map.of("teamId", team, "url", url, "allowPrivate", true))
            .post("/api/webhooks")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    long hookId = hook.getLong("id");
    String secret = hook.getString("secret");
    lead.as()
        .get("/api/webhooks")
        .then()
        .statusCode(200)
        .body("id", equalTo(List.of((int) hookId)));

    failFirst.set(2);
    long runId = failedRunOf(member, team);

    // The bell: the one who launched it, once.
    member.as().get("/api/notifications/unread").then().statusCode(200).body("count", equalTo(1));
    member
        .as()
        .get("/api/notifications")
        .then()
        .body("[0].kind", equalTo("run-failed"))
        .body("[0].runId", equalTo((int) runId))
        .body("[0].payload.run.failureReason", equalTo("the loss became NaN"));
    member
        .as()
        .contentType(ContentType.JSON)
        .body(Map.of())
        .post("/api/notifications/read")
        .then()
        .body("count", equalTo(0));

    // The webhook: two 500 answers, then delivered, with one delivery id throughout.
    List<Received> tries = waitFor(3, "run-failed");
    assertEquals(1, tries.stream().map(Received::delivery).distinct().count(), tries.toString());
    for (Received r : tries) {
      assertTrue(
          WebhookSignature.verify(
              secret, r.signature(), r.body(), Instant.now().getEpochSecond(), 300),
          "signed with the webhook's secret: " + r);
    }
    Map<?, ?> body = JSON.readValue(tries.get(2).body(), Map.class);
    assertEquals("run-failed", body.get("kind"));
    assertEquals(runId, ((Number) ((Map<?, ?>) body.get("run")).get("id")).longValue());
    assertTrue(String.valueOf(body.get("text")).contains("the loss became NaN"), body.toString());
    JsonPath log =
        lead.as()
            .get("/api/webhooks/" + hookId + "/deliveries")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath();
    assertEquals("delivered", log.getString("[0].state"));
    assertEquals(3, log.getInt("[0].attempts"));
    assertEquals(200, log.getInt("[0].status"));

    // Published again (tags change the run): no second event.
    member
        .as()
        .contentType(ContentType.JSON)
        .body(Map.of("tags", List.of("nan")))
        .put("/api/runs/" + runId + "/annotation")
        .then()
        .statusCode(200);

    // The review loop: the member asks, the team's lead is told; the lead decides, the member is.
    member
        .as()
        .contentType(ContentType.JSON)
        .body(Map.of("note", "is this good enough to ship?"))
        .post("/api/runs/" + runId + "/review-request")
        .then()
        .statusCode(200)
        .body("reviewRequest.by", equalTo(member.username()))
        .body("reviewRequest.note", equalTo("is this good enough to ship?"));
    member
        .as()
        .contentType(ContentType.JSON)
        .body(Map.of())
        .post("/api/runs/" + runId + "/review-request")
        .then()
        .statusCode(409)
        .body("error", containsString("already waiting for review"));
    lead.as()
        .get("/api/notifications")
        .then()
        .body("[0].kind", equalTo("review-requested"))
        .body("[0].actor", equalTo(member.username()))
        .body("[0].payload.request.note", equalTo("is this good enough to ship?"));
    lead.as()
        .contentType(ContentType.JSON)
        .body(Map.of("decision", "rejected", "comment", "diverged"))
        .post("/api/runs/" + runId + "/review")
        .then()
        .statusCode(200);
    member
        .as()
        .get("/api/notifications")
        .then()
        .body("[0].kind", equalTo("review-decided"))
        .body("[0].payload.review.decision", equalTo("rejected"))
        .body("[0].read", equalTo(false));
    waitFor(1, "review-decided");
    assertEquals(3, received.stream().filter(r -> "run-failed".equals(r.event())).count());

    // The test button: one delivery to this webhook alone.
    lead.as()
        .post("/api/webhooks/" + hookId + "/test")
        .then()
        .statusCode(200)
        .body("kind", equalTo("test"));
    waitFor(1, "test");
    // Permission to reach a private address taken back: the next try is refused for good, and
    // the admins see it among the failed deliveries.
    io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
        .run(() -> Webhook.update("allowPrivate = false where id = ?1", hookId));
    long refused =
        lead.as()
            .post("/api/webhooks/" + hookId + "/test")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getLong("id");
    long until = System.currentTimeMillis() + 20_000;
    List<Map<String, Object>> failed = List.of();
    while (System.currentTimeMillis() < until) {
      failed =
          Api.as()
              .get("/api/admin/failed-deliveries")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath()
              .getList("$");
      if (failed.stream().anyMatch(f -> ((Number) f.get("id")).longValue() == refused)) {
        break;
      }
      Thread.sleep(200);
    }
    Map<String, Object> failure =
        failed.stream()
            .filter(f -> ((Number) f.get("id")).longValue() == refused)
            .findFirst()
            .orElseThrow();
    assertEquals(url, failure.get("target"));
    assertTrue(
        String.valueOf(failure.get("error")).contains("private or internal address"),
        failure.toString());
    lead.as().get("/api/admin/failed-deliveries").then().statusCode(403);
    lead.as().delete("/api/webhooks/" + hookId).then().statusCode(204);
    lead.as().get("/api/webhooks/" + hookId + "/deliveries").then().statusCode(404);
  }

  @Test
  void aChosenEventArrivesByEmailInTheReadersLanguage() throws Exception {
    GreenMail smtp = new GreenMail(ServerSetupTest.SMTP);
    smtp.start();
    try {
      long team = People.team("mail");
      People.Person member = People.create("member", team);
      member
          .as()
          .get("/api/notifications/email")
          .then()
          .statusCode(200)
          .body("available", equalTo(true));
      member
          .as()
          .contentType(ContentType.JSON)
          .body(Map.of("email", "mei at example", "kinds", List.of("run-failed")))
          .put("/api/notifications/email")
          .then()
          .statusCode(400)
          .body("error", containsString("is not an e-mail address"));
      member
          .as()
          .contentType(ContentType.JSON)
          .body(
              Map.of(
                  "email", "mei@example.com", "kinds", List.of("run-failed"), "language", "zh-CN"))
          .put("/api/notifications/email")
          .then()
          .statusCode(200)
          .body("email", equalTo("mei@example.com"))
          .body("kinds", equalTo(List.of("run-failed")));

      long runId = failedRunOf(member, team);

      assertTrue(smtp.waitForIncomingEmail(30_000, 1), "one e-mail arrives");
      MimeMessage mail = smtp.getReceivedMessages()[0];
      assertEquals("mei@example.com", mail.getAllRecipients()[0].toString());
      assertEquals("Kiln：训练 #" + runId + "“notify me”失败", mail.getSubject());
      String parts = text(mail.getContent());
      assertTrue(parts.contains("训练 #" + runId + "“notify me”失败：the loss became NaN"), parts);
      assertTrue(parts.contains("<p>训练 #" + runId), "an HTML part too: " + parts);
      assertTrue(parts.contains("账户页面"), "says why it came and where to stop it: " + parts);

      // Stopped: no address, no more e-mail.
      member
          .as()
          .contentType(ContentType.JSON)
          .body(Map.of())
          .put("/api/notifications/email")
          .then()
          .statusCode(200)
          .body("email", equalTo(null));
    } finally {
      smtp.stop();
    }
  }

  @jakarta.inject.Inject Sweeps sweeps;

  @Test
  void aSilentAgentAndARunNobodyTakesAreToldOnce() throws Exception {
    long team = People.team("waiting");
    People.Person member = People.create("member", team);
    long run =
        member
            .as()
            .contentType(ContentType.JSON)
            .body(Map.of("datasetId", People.datasetIn(team), "name", "nobody takes me"))
            .post("/api/runs")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getLong("id");
    long agent = TestAgent.enroll("falls silent").getLong("agentId");
    io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
        .run(
            () -> {
              io.kiln.backend.run.Run.update(
                  "createdAt = ?1 where id = ?2", Instant.now().minusSeconds(7200), run);
              io.kiln.backend.agent.Agent.update(
                  "lastSeenAt = ?1 where id = ?2", Instant.now().minusSeconds(7200), agent);
            });
    sweeps.sweep(Instant.now());
    sweeps.sweep(Instant.now());
    List<Map<String, Object>> mine =
        member.as().get("/api/notifications").then().extract().jsonPath().getList("$");
    assertEquals(
        1,
        mine.stream().filter(n -> "run-waiting".equals(n.get("kind"))).count(),
        "told once: " + mine);
    assertEquals(((Number) mine.get(0).get("runId")).longValue(), run);
    // Every silent test agent of the suite is told of too, so the admin's latest 50 may not hold
    // this one: the event itself is counted.
    long told =
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
            .call(() -> NotifyEvent.count("fact like ?1", "agent-offline:" + agent + ":%"));
    assertEquals(1, told, "the admins are told once of the silent agent");
    long noticed =
        io.quarkus.narayana.jta.QuarkusTransaction.requiringNew()
            .call(
                () ->
                    Notice.count(
                        "username = ?1 and event.fact like ?2",
                        "admin",
                        "agent-offline:" + agent + ":%"));
    assertEquals(1, noticed, "in the admin's list");
    member.as().post("/api/runs/" + run + "/cancel").then().statusCode(200);
  }

  /** Every text part of a message, decoded. */
  private static String text(Object content) throws Exception {
    if (content instanceof MimeMultipart multi) {
      StringBuilder all = new StringBuilder();
      for (int i = 0; i < multi.getCount(); i++) {
        all.append(text(multi.getBodyPart(i).getContent())).append('\n');
      }
      return all.toString();
    }
    return String.valueOf(content);
  }

  /**
   * A run launched by {@code person} in {@code team}, claimed by an agent that reports it failed.
   */
  private long failedRunOf(People.Person person, long team) throws Exception {
    long dataset = People.datasetIn(team);
    TestAgent.SERIAL.lock();
    try (TestAgent agent = TestAgent.connect(base, "notify")) {
      Api.cancelQueuedRuns();
      long id =
          person
              .as()
              .contentType(ContentType.JSON)
              .body(Map.of("datasetId", dataset, "name", "notify me"))
              .post("/api/runs")
              .then()
              .statusCode(201)
              .extract()
              .jsonPath()
              .getLong("id");
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment a = agent.expect(BackendMessage.RunAssignment.class);
      assertEquals(id, a.runId());
      agent.send(
          new AgentMessage.RunFinished(
              id, a.nextSeq(), "FAILED", "the loss became NaN", "recipe", "learningRate"));
      agent.expect(BackendMessage.Ack.class);
      return id;
    } finally {
      TestAgent.SERIAL.unlock();
    }
  }

  private List<Received> waitFor(int count, String kind) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    List<Received> got = List.of();
    while (System.currentTimeMillis() < deadline) {
      got = received.stream().filter(r -> kind.equals(r.event())).toList();
      if (got.size() >= count) {
        return got;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the receiver got " + got.size() + " of " + count + " " + kind);
  }
}
