package io.kiln.backend.labels;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.TestAgent;
import io.kiln.backend.support.TestZips;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * Label checks through the real protocol: fold runs handed to an agent with their fold, held-out
 * probabilities reported with the evaluation, confident learning when the last fold ends, and the
 * person's choices making a new dataset version. (The agent's training side: the agent's tests and
 * bench/label-check.)
 */
@QuarkusTest
class LabelCheckTest {
  @TestHTTPResource("/")
  URI base;

  private static final List<String> CLASSES = List.of("cats", "dogs", "fish");

  @Test
  void foldsFindTheFlippedImagesAndTheChoicesMakeANewVersion() throws Exception {
    TestAgent.SERIAL.lock();
    try (TestAgent agent = TestAgent.connect(base, "label-checker")) {
      Api.cancelQueuedRuns();
      byte[] zip =
          TestZips.create().images("cats", 20).images("dogs", 20).images("fish", 20).bytes();
      long datasetId = upload(zip, "labels");
      JsonPath started = startCheck(datasetId);
      long checkId = started.getLong("id");
      assertEquals("running", started.getString("state"));
      assertEquals(5, started.getInt("folds"));
      assertEquals(5, started.getList("foldRuns").size());
      Api.as()
          .contentType(ContentType.JSON)
          .post("/api/datasets/" + datasetId + "/label-checks")
          .then()
          .statusCode(409)
          .body("error", containsString("already running"));

      // Three cats the "model" sees as dogs: the flipped labels.
      Set<String> flipped = new HashSet<>();
      JsonPath done = runFolds(agent, checkId, flipped, 3);
      assertEquals("succeeded", done.getString("state"), done.prettify());
      assertEquals(5, done.getInt("foldsDone"));
      assertEquals(60, done.getInt("findings.images"));
      List<Map<String, Object>> issues = done.getList("findings.issues");
      Set<String> found = new HashSet<>();
      issues.forEach(i -> found.add((String) i.get("imageId")));
      assertEquals(flipped, found, done.prettify());
      issues.forEach(
          i -> {
            assertEquals("cats", i.get("given"));
            assertEquals("dogs", i.get("suggested"));
            assertEquals(true, i.get("sure"), "0.01 for its own class: all but ruled out");
          });

      List<String> ids = new ArrayList<>(flipped);
      // Bad choices name the problem and change nothing.
      fix(checkId, Map.of("decisions", List.of()))
          .statusCode(400)
          .body("error", containsString("decisions"));
      fix(
              checkId,
              Map.of("decisions", List.of(Map.of("imageId", "train/cats/x.png", "action", "keep"))))
          .statusCode(400)
          .body("error", containsString("decisions[0].imageId"));
      fix(
              checkId,
              Map.of(
                  "decisions",
                  List.of(Map.of("imageId", ids.get(0), "action", "move", "to", "cats"))))
          .statusCode(400)
          .body("error", containsString("decisions[0].to"));
      assertEquals(1, versions(datasetId), "nothing was stored");

      JsonPath result =
          fix(
                  checkId,
                  Map.of(
                      "decisions",
                      List.of(
                          Map.of("imageId", ids.get(0), "action", "move", "to", "dogs"),
                          Map.of("imageId", ids.get(1), "action", "remove"),
                          Map.of("imageId", ids.get(2), "action", "keep"))))
              .statusCode(200)
              .extract()
              .jsonPath();
      assertEquals(1, result.getInt("moved"));
      assertEquals(1, result.getInt("removed"));
      assertEquals(1, result.getInt("kept"));
      long version = result.getLong("dataset.id");
      assertEquals(2, result.getInt("dataset.version"));
      Map<String, Integer> counts = result.getMap("dataset.classCounts");
      assertEquals(Map.of("cats", 18, "dogs", 21, "fish", 20), counts);
      String movedSplit = ids.get(0).split("/")[0];
      Api.as()
          .get(
              "/api/datasets/"
                  + version
                  + "/images?path="
                  + movedSplit
                  + "/dogs/"
                  + ids.get(0).split("/")[2])
          .then()
          .statusCode(200);
      fix(checkId, Map.of("decisions", List.of(Map.of("imageId", ids.get(2), "action", "keep"))))
          .statusCode(409);
      Api.as()
          .get("/api/label-checks/" + checkId)
          .then()
          .body("appliedDatasetId", equalTo((int) version));

      // A second check of the new version does not flag the kept image again.
      long second = startCheck(version).getLong("id");
      Set<String> flippedAgain = new HashSet<>();
      JsonPath again = runFolds(agent, second, flippedAgain, 0, ids.get(2));
      assertEquals("succeeded", again.getString("state"));
      assertEquals(List.of(), again.getList("findings.issues"), again.prettify());
      assertEquals(1, again.getInt("findings.keptBefore"));
    } finally {
      TestAgent.SERIAL.unlock();
    }
  }

  @Test
  void cancellingACheckCancelsItsFoldsAndTooSmallClassesAreRefused() {
    TestAgent.SERIAL.lock();
    try {
      long tiny = upload(TestZips.create().images("cats", 20).images("dogs", 6).bytes(), "tiny");
      Api.as()
          .post("/api/datasets/" + tiny + "/label-checks")
          .then()
          .statusCode(400)
          .body("error", containsString("class 'dogs' has 6 images"));
      long datasetId =
          upload(TestZips.create().images("cats", 12).images("dogs", 12).bytes(), "cancelled");
      JsonPath check = startCheck(datasetId);
      JsonPath cancelled =
          Api.as()
              .post("/api/label-checks/" + check.getLong("id") + "/cancel")
              .then()
              .statusCode(200)
              .extract()
              .jsonPath();
      assertEquals("cancelled", cancelled.getString("state"));
      for (Object run : check.getList("foldRuns")) {
        Api.as().get("/api/runs/" + run).then().body("state", equalTo("cancelled"));
      }
      Api.as().get("/api/label-checks/999999").then().statusCode(404);
    } finally {
      TestAgent.SERIAL.unlock();
    }
  }

  /** A fold that fails for good ends the check at once, naming it, and stops the other folds. */
  @Test
  void aFailedFoldEndsTheCheckAndStopsTheOthers() throws Exception {
    TestAgent.SERIAL.lock();
    try (TestAgent agent = TestAgent.connect(base, "label-fold-fails")) {
      Api.cancelQueuedRuns();
      long datasetId =
          upload(TestZips.create().images("cats", 12).images("dogs", 12).bytes(), "fold-fails");
      JsonPath check = startCheck(datasetId);
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment a = agent.expect(BackendMessage.RunAssignment.class);
      agent.send(
          new AgentMessage.RunFinished(
              a.runId(), a.nextSeq(), "FAILED", "learningRate is not a number", "recipe", null));
      agent.expect(BackendMessage.Ack.class);
      JsonPath ended = null;
      for (int i = 0; i < 100; i++) {
        ended = Api.as().get("/api/label-checks/" + check.getLong("id")).jsonPath();
        if (!"running".equals(ended.getString("state"))) {
          break;
        }
        Thread.sleep(100);
      }
      assertEquals("failed", ended.getString("state"), ended.prettify());
      assertTrue(ended.getString("reason").startsWith("fold 1 (run " + a.runId() + ") failed"));
      for (Object run : check.getList("foldRuns")) {
        if (((Number) run).longValue() != a.runId()) {
          Api.as().get("/api/runs/" + run).then().body("state", equalTo("cancelled"));
        }
      }
    } finally {
      TestAgent.SERIAL.unlock();
    }
  }

  private static long upload(byte[] zip, String name) {
    Number id = Api.upload(zip, name + ".zip").then().statusCode(201).extract().path("id");
    return id.longValue();
  }

  private static JsonPath startCheck(long datasetId) {
    return Api.as()
        .post("/api/datasets/" + datasetId + "/label-checks")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath();
  }

  private static io.restassured.response.ValidatableResponse fix(long checkId, Object body) {
    return Api.as()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/label-checks/" + checkId + "/fixes")
        .then();
  }

  private static int versions(long datasetId) {
    long lineage = Api.as().get("/api/datasets/" + datasetId).jsonPath().getLong("lineageId");
    return Api.as()
        .get("/api/datasets")
        .jsonPath()
        .getList("findAll { it.lineageId == " + lineage + " }")
        .size();
  }

  /**
   * Claims every fold as the agent, reports a confident right answer for each image of its fold
   * (every fifth image) except {@code flips} cats it sees as dogs (added to {@code flipped}), and
   * treats {@code alsoFlipped} as a flip too; returns the settled check.
   */
  private JsonPath runFolds(
      TestAgent agent, long checkId, Set<String> flipped, int flips, String... alsoFlipped)
      throws Exception {
    Set<String> seenAsDogs = new HashSet<>(List.of(alsoFlipped));
    List<String> ids = null;
    for (int fold = 0; fold < 5; fold++) {
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment a = agent.expect(BackendMessage.RunAssignment.class);
      assertNotNull(a.heldOutFold(), "a fold run carries its fold");
      assertEquals(fold, a.heldOutFold().index());
      assertEquals(5, a.heldOutFold().count());
      if (ids == null) {
        ids = imageIds(agent, a.datasetPath());
        for (String id : ids) {
          if (seenAsDogs.size() < flips + alsoFlipped.length && id.contains("/cats/")) {
            seenAsDogs.add(id);
            flipped.add(id);
          }
        }
      }
      List<List<Object>> rows = new ArrayList<>();
      for (int i = fold; i < ids.size(); i += 5) {
        String id = ids.get(i);
        int given = CLASSES.indexOf(id.split("/")[1]);
        int seen = seenAsDogs.contains(id) ? 1 : given;
        rows.add(List.of(id, given, seen, 0.9, (seen + 1) % 3, 0.09, (seen + 2) % 3, 0.01));
      }
      Map<String, Object> evaluation =
          Map.of("split", "validation", "accuracy", 0.9, "classNames", CLASSES, "heldOut", rows);
      agent.send(new AgentMessage.RunEvaluated(a.runId(), a.nextSeq(), evaluation));
      agent.expect(BackendMessage.Ack.class);
      given()
          .header("Authorization", "Bearer " + agent.credential)
          .contentType("application/octet-stream")
          .body(TestZips.create().file("model.txt", new byte[] {1}).bytes())
          .put(a.modelPath())
          .then()
          .statusCode(204);
      agent.send(new AgentMessage.RunFinished(a.runId(), a.nextSeq() + 1, "SUCCEEDED", null));
      agent.expect(BackendMessage.Ack.class);
      Api.as().get("/api/runs/" + a.runId()).then().body("evaluation.heldOut", equalTo(null));
    }
    JsonPath check = null;
    for (int i = 0; i < 100; i++) {
      check =
          Api.as().get("/api/label-checks/" + checkId).then().statusCode(200).extract().jsonPath();
      if (!"running".equals(check.getString("state"))) {
        return check;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the check never settled: " + check.prettify());
  }

  /** The dataset's canonical image names, as the agent downloads them. */
  private static List<String> imageIds(TestAgent agent, String datasetPath) throws IOException {
    byte[] archive =
        given()
            .header("Authorization", "Bearer " + agent.credential)
            .get(datasetPath)
            .then()
            .statusCode(200)
            .extract()
            .asByteArray();
    List<String> ids = new ArrayList<>();
    try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(archive))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (e.getName().endsWith(".png")) {
          ids.add(e.getName());
        }
      }
    }
    return ids;
  }
}
