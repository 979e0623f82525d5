package io.kiln.backend.run;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.kiln.backend.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RunResourceTest {
  static long datasetId;

  @BeforeEach
  void dataset() {
    if (datasetId == 0) {
      datasetId = Api.uploadValid("runs");
    }
  }

  @Test
  void aDatasetAloneLaunchesARunWithDefaults() {
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("datasetId", datasetId))
        .post("/api/runs")
        .then()
        .statusCode(201)
        .body("state", equalTo("queued"))
        .body("datasetId", equalTo((int) datasetId))
        .body("recipe.architecture", equalTo("small-cnn"))
        .body("recipe.optimizer", equalTo("sgd"))
        .body("recipe.schedule", equalTo("cosine"))
        .body("recipe.momentum", equalTo(0.9f))
        .body("totalEpochs", equalTo(5));
  }

  @Test
  void recipeFieldsOverrideDefaults() {
    long id =
        Api.createRun(
            Map.of(
                "datasetId",
                datasetId,
                "optimizer",
                "adam",
                "learningRate",
                0.001,
                "epochs",
                2,
                "name",
                "adam try"));
    Api.as()
        .get("/api/runs/" + id)
        .then()
        .statusCode(200)
        .body("name", equalTo("adam try"))
        .body("recipe.optimizer", equalTo("adam"))
        .body("recipe.learningRate", equalTo(0.001f))
        .body("recipe.batchSize", equalTo(64));
    Api.as().get("/api/runs").then().body("id", hasItem((int) id));
    Api.as().get("/api/runs/" + id + "/metrics").then().statusCode(200).body("size()", equalTo(0));
  }

  @Test
  void badRecipesNameTheField() {
    expectFieldError(Map.of("datasetId", datasetId, "learningRate", -0.1), "learningRate");
    expectFieldError(Map.of("datasetId", datasetId, "batchSize", 0), "batchSize");
    expectFieldError(Map.of("datasetId", datasetId, "optimizer", "lion"), "optimizer");
    expectFieldError(Map.of("datasetId", datasetId, "epochz", 3), "epochz");
  }

  @Test
  void aValueOfTheWrongTypeIsRefusedNamingTheField() {
    expectWrongType(Map.of("datasetId", 1.5), "datasetId", "must be a whole number");
    expectWrongType(
        Map.of("datasetId", datasetId, "autopilot", "twice"),
        "autopilot",
        "must be a whole number");
    expectWrongType(
        Map.of("datasetId", datasetId, "presetId", "balanced", "undoAdjustments", "all"),
        "undoAdjustments",
        "must be a list");
    Api.as()
        .contentType(ContentType.JSON)
        .body("[1, 2]")
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("error", containsString("must be a JSON object"));
  }

  private static void expectWrongType(Map<String, Object> body, String field, String problem) {
    Api.as()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/runs")
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("error", equalTo(field + " " + problem))
        .body("fields[0].field", equalTo(field))
        .body("fields[0].message", equalTo(problem));
  }

  @Test
  void unknownOrMissingDatasetIsRefused() {
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("datasetId", 424242))
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("error", equalTo("dataset 424242 does not exist"));
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("epochs", 2))
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("datasetId"));
  }

  @Test
  void malformedJsonIsA400WithABody() {
    Api.as()
        .contentType(ContentType.JSON)
        .body("{not json")
        .post("/api/runs")
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("error", containsString("malformed"));
  }

  @Test
  void aQueuedRunCancelsAtOnceAndOnlyOnce() {
    long id = Api.createRun(Map.of("datasetId", datasetId));
    Api.as()
        .post("/api/runs/" + id + "/cancel")
        .then()
        .statusCode(200)
        .body("state", equalTo("cancelled"));
    Api.as()
        .post("/api/runs/" + id + "/cancel")
        .then()
        .statusCode(409)
        .body("error", equalTo("run " + id + " has already ended (cancelled)"));
  }

  @Test
  void unknownRunIsA404() {
    Api.as()
        .get("/api/runs/999999")
        .then()
        .statusCode(404)
        .body("error", equalTo("run 999999 does not exist"));
    Api.as().get("/api/runs/999999/model").then().statusCode(404);
  }

  private static void expectFieldError(Map<String, Object> body, String field) {
    Api.as()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/runs")
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("error", containsString("invalid recipe"))
        .body("fields.field", hasItem(field));
  }
}
