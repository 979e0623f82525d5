package io.kiln.backend.advice;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiln.backend.support.Api;
import io.kiln.backend.support.LiveClient;
import io.kiln.backend.support.TestAgent;
import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.MetricKind;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Suggestions as the agent's curves arrive: stored once per rule, pushed live, marked inactive when
 * they stop holding, applied as a child run; and the autopilot. The agent side is the real protocol
 * over a real socket (the trainer's part is covered by the agent's AdvisorScenariosIT).
 */
@QuarkusTest
class AdviceTest {
  @TestHTTPResource("/")
  URI base;

  /**
   * Epoch curves of a run that memorises its training data (A1): the gap grows every epoch and the
   * validation loss (2.3 x the error here) turns up from its lowest.
   */
  static final double[][] OVERFITTING = {{0.70, 0.68}, {0.82, 0.76}, {0.90, 0.79}, {0.95, 0.76}};

  private static JsonPath awaitSuggestions(long runId, Predicate<JsonPath> condition)
      throws InterruptedException {
    JsonPath last = null;
    for (int i = 0; i < 100; i++) {
      last =
          Api.as()
              .get("/api/runs/" + runId + "/suggestions")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      if (condition.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "suggestions never matched: " + (last == null ? null : last.prettify()));
  }

  private static long seq = 0;

  private static void epoch(TestAgent agent, long runId, int epoch, double train, double val)
      throws InterruptedException {
    agent.send(
        new AgentMessage.MetricReport(
            runId,
            seq++,
            MetricKind.EPOCH,
            epoch,
            epoch * 10L,
            Map.of(
                Metric.TRAIN_LOSS.key(),
                2.3 * (1 - train),
                Metric.TRAIN_ACCURACY.key(),
                train,
                Metric.VAL_LOSS.key(),
                2.3 * (1 - val),
                Metric.VAL_ACCURACY.key(),
                val,
                Metric.LR.key(),
                0.05),
            System.currentTimeMillis()));
    agent.expect(BackendMessage.Ack.class);
  }

  private static BackendMessage.RunAssignment claim(TestAgent agent, long runId)
      throws InterruptedException {
    agent.send(new AgentMessage.ClaimRun());
    BackendMessage.RunAssignment a = agent.expect(BackendMessage.RunAssignment.class);
    assertEquals(runId, a.runId());
    seq = a.nextSeq();
    agent.send(new AgentMessage.RunStarted(runId, seq++, "cpu()", 8, 10));
    agent.expect(BackendMessage.Ack.class);
    return a;
  }

  private static void succeed(TestAgent agent, BackendMessage.RunAssignment a)
      throws InterruptedException {
    io.restassured.RestAssured.given()
        .header("Authorization", "Bearer " + agent.credential)
        .contentType("application/octet-stream")
        .body(new byte[] {80, 75, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
        .put(a.modelPath())
        .then()
        .statusCode(204);
    agent.send(new AgentMessage.RunFinished(a.runId(), seq++, "SUCCEEDED", null));
    agent.expect(BackendMessage.Ack.class);
  }

  @Test
  void overfittingIsSuggestedLiveOnceAppliedAsAChildAndRetiredWhenItStopsHolding()
      throws Exception {
    try (TestAgent agent = TestAgent.connect(base, "advice-a1")) {
      Api.cancelQueuedRuns();
      long runId =
          Api.createRun(Map.of("datasetId", Api.uploadValid("advice-a1", 500), "epochs", 8));
      claim(agent, runId);
      try (LiveClient browser = new LiveClient(base, runId, -1);
          LiveClient chinese = new LiveClient(base, runId, -1, Api.token(), "zh-CN")) {
        browser.next("snapshot");
        chinese.next("snapshot");
        for (int e = 0; e < OVERFITTING.length; e++) {
          epoch(agent, runId, e + 1, OVERFITTING[e][0], OVERFITTING[e][1]);
        }
        JsonNode pushed = browser.next("suggestions");
        while (pushed.path("suggestions").size() == 0) {
          pushed = browser.next("suggestions");
        }
        assertEquals(
            "A1",
            pushed.path("suggestions").get(0).path("ruleId").asText(),
            "pushed over the run's socket");
        assertEquals("Overfitting", pushed.path("suggestions").get(0).path("title").asText());
        // The same push reaches a viewer who reads Chinese in Chinese (issue 14).
        JsonNode inChinese = chinese.next("suggestions");
        while (inChinese.path("suggestions").size() == 0) {
          inChinese = chinese.next("suggestions");
        }
        assertEquals("过拟合", inChinese.path("suggestions").get(0).path("title").asText());
        assertTrue(
            inChinese
                .path("suggestions")
                .get(0)
                .path("explanation")
                .asText()
                .startsWith("模型在死记训练图片"),
            inChinese.toPrettyString());
      }
      Api.as()
          .header("Accept-Language", "zh-CN")
          .get("/api/runs/" + runId + "/suggestions")
          .then()
          .body("[0].title", org.hamcrest.Matchers.equalTo("过拟合"));
      JsonPath list = awaitSuggestions(runId, j -> j.getList("ruleId").contains("A1"));
      assertEquals(
          List.of("A1"), list.getList("ruleId"), "one suggestion per rule, never repeated");
      assertEquals(3.0e-4, list.getDouble("[0].patch.weightDecay"), 1e-12);
      assertEquals(List.of("T9", "T12", "T10", "T15", "T13"), list.getList("[0].trickIds"));
      assertTrue(list.getString("[0].explanation").contains("memorising"));
      // The evidence says how sure it is: 100 validation images (T16).
      assertEquals(100, list.getInt("[0].evidence.valImages"));
      assertTrue(list.getDouble("[0].evidence.gapNoise") < 0.15, list.prettify());
      Api.as()
          .get("/api/runs/" + runId)
          .then()
          .body("validation.images", equalTo(100))
          .body("validation.enough", equalTo(false))
          .body("validation.accuracy", equalTo(0.79f));
      long suggestionId = list.getLong("[0].id");

      epoch(agent, runId, 5, 0.97, 0.75);
      JsonPath again =
          awaitSuggestions(runId, j -> j.getDouble("[0].evidence.trainAccuracy") == 0.97);
      assertEquals(List.of("A1"), again.getList("ruleId"), "still one A1, with fresh evidence");

      // Eight people (or double clicks) apply the suggestion at once: exactly one child is made.
      String apply = "/api/runs/" + runId + "/suggestions/" + suggestionId + "/apply";
      List<io.restassured.response.Response> racing =
          java.util.stream.IntStream.range(0, 8)
              .parallel()
              .mapToObj(i -> Api.as().post(apply))
              .toList();
      List<Integer> statuses =
          racing.stream().map(io.restassured.response.Response::statusCode).sorted().toList();
      assertEquals(List.of(201, 409, 409, 409, 409, 409, 409, 409), statuses);
      JsonPath child =
          racing.stream()
              .filter(r -> r.statusCode() == 201)
              .findFirst()
              .orElseThrow()
              .then()
              .body("parentId", equalTo((int) runId))
              .body("suggestionId", equalTo((int) suggestionId))
              .body("state", equalTo("queued"))
              .body("recipe.epochs", equalTo(8))
              .body("recipe.horizontalFlip", equalTo(true))
              .extract()
              .jsonPath();
      assertEquals(3.0e-4, child.getDouble("recipe.weightDecay"), 1e-12, "the patch is applied");
      Api.as()
          .post("/api/runs/" + runId + "/suggestions/" + suggestionId + "/apply")
          .then()
          .statusCode(409)
          .body("error", containsString("already applied as run #" + child.getLong("id")));
      Api.as().post("/api/runs/" + runId + "/suggestions/999999/apply").then().statusCode(404);

      // Validation catches up with training: the gap closes, A1 no longer holds.
      epoch(agent, runId, 6, 0.97, 0.95);
      JsonPath retired = awaitSuggestions(runId, j -> !j.getBoolean("[0].active"));
      assertEquals(child.getLong("id"), retired.getLong("[0].appliedRunId"));
      Api.cancelQueuedRuns();
    }
  }

  /**
   * The same curves on a split of 2 validation images: a 15-point gap is one image, so Kiln says
   * nothing about fit and the run says why (issue 32, T16).
   */
  @Test
  void aSplitTooSmallToTellStaysQuietAndSaysSo() throws Exception {
    try (TestAgent agent = TestAgent.connect(base, "advice-small")) {
      Api.cancelQueuedRuns();
      long runId = Api.createRun(Map.of("datasetId", Api.uploadValid("advice-small"), "epochs", 8));
      claim(agent, runId);
      for (int e = 0; e < OVERFITTING.length; e++) {
        epoch(agent, runId, e + 1, OVERFITTING[e][0], OVERFITTING[e][1]);
      }
      JsonPath run = Api.as().get("/api/runs/" + runId).then().statusCode(200).extract().jsonPath();
      for (int i = 0; i < 50 && run.get("validation") == null; i++) {
        Thread.sleep(100);
        run = Api.as().get("/api/runs/" + runId).then().extract().jsonPath();
      }
      assertEquals(false, run.getBoolean("validation.enough"), run.prettify());
      assertTrue(run.getInt("validation.imagesNeeded") > 500, run.prettify());
      // The advice is evaluated after each epoch: the last one has been read by now.
      Thread.sleep(1000);
      assertEquals(
          List.of(),
          awaitSuggestions(runId, j -> true).getList("ruleId"),
          "no diagnosis from 2 images");
      Api.cancelQueuedRuns();
    }
  }

  @Test
  void divergenceIsSuggestedAtTheFirstNonFiniteStep() throws Exception {
    try (TestAgent agent = TestAgent.connect(base, "advice-a4")) {
      Api.cancelQueuedRuns();
      long runId =
          Api.createRun(Map.of("datasetId", Api.uploadValid("advice-a4"), "learningRate", 5.0));
      claim(agent, runId);
      agent.send(
          new AgentMessage.MetricReport(
              runId,
              seq++,
              MetricKind.STEP,
              1,
              3,
              Map.of(Metric.LOSS.key(), Double.NaN, Metric.LR.key(), 5.0),
              System.currentTimeMillis()));
      agent.expect(BackendMessage.Ack.class);
      JsonPath list = awaitSuggestions(runId, j -> j.getList("ruleId").contains("A4"));
      assertEquals("high", list.getString("[0].severity"));
      assertEquals(0.5, list.getDouble("[0].patch.learningRate"), 1e-12, "A4: a 10x lower rate");
    }
  }

  @Test
  void aBatchSizeChangedWithoutTheRateIsFlaggedAtLaunch() throws Exception {
    long runId = Api.createRun(Map.of("datasetId", Api.uploadValid("advice-a8"), "batchSize", 256));
    JsonPath list = awaitSuggestions(runId, j -> j.getList("ruleId").contains("A8"));
    assertEquals(0.2, list.getDouble("[0].patch.learningRate"), 1e-12, "T8: 0.05 x 256/64");
    Api.cancelQueuedRuns();
  }

  /**
   * The autopilot climbs (issue 15): its first follow-up run (A8's higher rate) does not help, so
   * it steps back to the parent, whose advice no longer offers that rate, and applies the next
   * suggestion (A1); that one helps and spends the last follow-up run. The series reads as one
   * story.
   */
  @Test
  void theAutopilotStepsBackFromAChangeThatDidNotHelpAndTriesTheNext() throws Exception {
    try (TestAgent agent = TestAgent.connect(base, "advice-autopilot")) {
      Api.cancelQueuedRuns();
      Api.as()
          .contentType(io.restassured.http.ContentType.JSON)
          .body(Map.of("datasetId", 1, "autopilot", 11))
          .post("/api/runs")
          .then()
          .statusCode(400)
          .body("fields[0].field", equalTo("autopilot"));
      long runId =
          Api.createRun(
              Map.of(
                  "datasetId",
                  Api.uploadValid("autopilot", 500),
                  "epochs",
                  4,
                  "batchSize",
                  256,
                  "autopilot",
                  2));
      BackendMessage.RunAssignment parent = claim(agent, runId);
      for (int e = 0; e < OVERFITTING.length; e++) {
        epoch(agent, runId, e + 1, OVERFITTING[e][0], OVERFITTING[e][1]);
      }
      awaitSuggestions(runId, j -> j.getList("ruleId").containsAll(List.of("A8", "A1")));
      succeed(agent, parent);
      JsonPath first = awaitSuggestions(runId, j -> j.get("[0].appliedRunId") != null);
      assertEquals("A8", first.getString("[0].ruleId"), "A8 ranks first: a setup mistake");
      long firstTry = first.getLong("[0].appliedRunId");
      Api.as()
          .get("/api/runs/" + firstTry)
          .then()
          .body("autopilotChild", equalTo(true))
          .body("autopilot", equalTo(1))
          .body("parentId", equalTo((int) runId))
          // 800 training images give 3 updates an epoch at batch 256: the reference batch (A8).
          .body("recipe.batchSize", equalTo(64));

      BackendMessage.RunAssignment failed = claim(agent, firstTry);
      epoch(agent, firstTry, 1, 0.70, 0.70);
      succeed(agent, failed);
      String note = awaitNote(firstTry);
      assertTrue(
          note.contains("did not help") && note.contains("went back to run #" + runId), note);
      JsonPath again =
          awaitSuggestions(
              runId,
              j ->
                  j.getList("appliedRunId").stream().filter(java.util.Objects::nonNull).count()
                      == 2);
      int a1 = again.getList("ruleId").indexOf("A1");
      long secondTry = again.getLong("[" + a1 + "].appliedRunId");
      assertEquals(
          false,
          again.getBoolean("[" + again.getList("ruleId").indexOf("A8") + "].active"),
          "the rate that did not help is not offered again");
      Api.as()
          .get("/api/runs/" + secondTry)
          .then()
          .body("parentId", equalTo((int) runId))
          .body("autopilot", equalTo(0));

      BackendMessage.RunAssignment helped = claim(agent, secondTry);
      epoch(agent, secondTry, 1, 0.86, 0.85);
      succeed(agent, helped);
      note = awaitNote(secondTry);
      assertTrue(note.contains("helped") && note.contains("used all its follow-up runs"), note);
      // Issue 35: the one who started the series is told it ended, with its best run.
      List<Map<String, Object>> notices =
          Api.as().get("/api/notifications").then().extract().jsonPath().getList("$");
      assertTrue(
          notices.stream()
              .anyMatch(
                  n ->
                      "autopilot-finished".equals(n.get("kind"))
                          && ((Number) n.get("runId")).longValue() == secondTry),
          "the series' end is told: " + notices);
      // The note is stored as a message: a Chinese reader gets it in Chinese.
      String chinese =
          Api.as()
              .header("Accept-Language", "zh-CN")
              .get("/api/runs/" + firstTry)
              .then()
              .extract()
              .path("autopilotNote");
      assertTrue(
          chinese.contains("这个修改没有帮助")
              && chinese.contains("退回到训练 #" + runId)
              && chinese.contains("A1"),
          chinese);

      JsonPath story =
          Api.as()
              .get("/api/runs/" + firstTry + "/autopilot")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      assertEquals(runId, story.getLong("startRunId"));
      assertEquals(secondTry, story.getLong("bestRunId"));
      assertEquals(List.of("A8", "A1"), story.getList("steps.ruleId"));
      assertEquals(List.of(false, true), story.getList("steps.kept"));
      assertEquals(-0.09, story.getDouble("steps[0].gain"), 1e-9);
      assertEquals(0.06, story.getDouble("steps[1].gain"), 1e-9);
      assertTrue(story.getList("steps[1].changes.field").contains("weightDecay"), story.prettify());
    }
  }

  private static String awaitNote(long runId) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      String note = Api.as().get("/api/runs/" + runId).then().extract().path("autopilotNote");
      if (note != null) {
        return note;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the autopilot never judged run " + runId);
  }
}
