package io.kiln.backend.preset;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.backend.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class PresetResourceTest {
  @Test
  void builtInPresetsHaveCardsTricksAndFields() {
    Api.as()
        .get("/api/presets")
        .then()
        .statusCode(200)
        .body(
            "id",
            hasItems(
                "quick-look",
                "balanced",
                "best-accuracy",
                "small-data",
                "large-data",
                "small-model"))
        .body("find { it.id == 'best-accuracy' }.trickIds", hasItems("T1", "T4", "T6", "T12"))
        .body("find { it.id == 'best-accuracy' }.fields.cutmixProbability", equalTo(0.5f))
        .body("find { it.id == 'quick-look' }.fields.optimizer", equalTo("adam"))
        .body("find { it.id == 'small-model' }.fields.cropScaleMin", equalTo(0.2f))
        .body("find { it.id == 'balanced' }.builtIn", equalTo(true))
        .body("find { it.id == 'balanced' }.cost", containsString("minutes"));
  }

  @Test
  void customPresetsAreClonedEditedValidatedAndDeleted() {
    JsonPath created =
        Api.as()
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "name",
                    "Our balanced",
                    "description",
                    "Balanced with more epochs",
                    "basedOn",
                    "balanced",
                    "fields",
                    Map.of("epochs", 20, "learningRate", 0.2, "optimizer", "SGD")))
            .post("/api/presets")
            .then()
            .statusCode(201)
            .body("id", containsString("custom-"))
            .body("builtIn", equalTo(false))
            .body("basedOn", equalTo("balanced"))
            .body("fields.epochs", equalTo(20))
            .body("fields.optimizer", equalTo("sgd"))
            .body("trickIds", hasItems("T1", "T17"))
            .body("createdBy", equalTo("admin"))
            .extract()
            .jsonPath();
    String id = created.getString("id");
    Api.as().get("/api/presets").then().body("id", hasItem(id));
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("name", "Broken", "fields", Map.of("learningRate", -1)))
        .post("/api/presets")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("learningRate"));
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("name", "Warm", "fields", Map.of("epochs", 3, "warmupEpochs", 5)))
        .post("/api/presets")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("warmupEpochs"));
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("name", "", "fields", Map.of()))
        .post("/api/presets")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("name"));
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("name", "Our balanced v2", "fields", Map.of("epochs", 12)))
        .put("/api/presets/" + id)
        .then()
        .statusCode(200)
        .body("name", equalTo("Our balanced v2"))
        .body("fields.epochs", equalTo(12))
        .body("fields.learningRate", equalTo(null));
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("name", "Mine", "fields", Map.of()))
        .put("/api/presets/balanced")
        .then()
        .statusCode(409)
        .body("error", containsString("clone it"));
    Api.as().delete("/api/presets/balanced").then().statusCode(409);
    Api.as().delete("/api/presets/" + id).then().statusCode(204);
    Api.as().get("/api/presets/" + id).then().statusCode(404);
    Api.as().delete("/api/presets/custom-999999").then().statusCode(404);
  }

  @Test
  void previewShowsAdjustmentsThatCanBeUndoneAndAnEstimate() {
    long dataset = Api.uploadValid("preset-preview");
    JsonPath preview =
        preview("quick-look", Map.of("datasetId", dataset, "fields", Map.of("batchSize", 256)));
    assertEquals(0.004, preview.getDouble("recipe.learningRate"), 1e-12, "T8: 0.001 x 256/64");
    assertEquals("T8", preview.getString("adjustments[0].trickId"));
    assertEquals("learningRate", preview.getString("adjustments[0].field"));
    assertTrue(preview.getDouble("estimate.secondsPerEpoch") > 0);
    assertTrue(preview.getString("estimate.basis").length() > 10);
    JsonPath undone =
        preview(
            "quick-look",
            Map.of(
                "datasetId",
                dataset,
                "fields",
                Map.of("batchSize", 256),
                "undoAdjustments",
                List.of("learningRate")));
    assertEquals(0.001, undone.getDouble("recipe.learningRate"), 1e-12);
    // The rate stays; 12 images in batches of 256 still get more epochs (T17: enough updates).
    assertFalse(undone.getList("adjustments.field").contains("learningRate"));
    assertEquals("learningRate", undone.getString("undone[0].field"));
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("datasetId", dataset))
        .post("/api/presets/nope/preview")
        .then()
        .statusCode(404)
        .body("error", containsString("preset nope does not exist"));
  }

  @Test
  void aRunLaunchedFromAPresetRecordsItAndItsAdjustments() throws Exception {
    long dataset = Api.uploadValid("preset-run");
    long runId =
        Api.createRun(Map.of("datasetId", dataset, "presetId", "quick-look", "batchSize", 256));
    Api.as()
        .get("/api/runs/" + runId)
        .then()
        .statusCode(200)
        .body("presetId", equalTo("quick-look"))
        .body("recipe.learningRate", equalTo(0.004f))
        .body("recipe.optimizer", equalTo("adam"))
        .body("adjustments.presetName", equalTo("Quick look"))
        .body("adjustments.applied[0].field", equalTo("learningRate"))
        .body("adjustments.applied[0].why", containsString("linear scaling"))
        .body("name", containsString("Quick look"));
    long undone =
        Api.createRun(
            Map.of(
                "datasetId",
                dataset,
                "presetId",
                "quick-look",
                "batchSize",
                256,
                "undoAdjustments",
                List.of("learningRate")));
    Api.as()
        .get("/api/runs/" + undone)
        .then()
        .body("recipe.learningRate", equalTo(0.001f))
        .body("adjustments.undone[0].field", equalTo("learningRate"));
    JsonPath advice = null;
    for (int i = 0; i < 100; i++) {
      advice = Api.as().get("/api/runs/" + undone + "/suggestions").jsonPath();
      if (advice.getList("ruleId").contains("A8")) {
        break;
      }
      Thread.sleep(100);
    }
    assertTrue(
        advice.getList("ruleId").contains("A8"), "A8 compares with the preset's batch of 64");
    assertEquals(0.004, advice.getDouble("find { it.ruleId == 'A8' }.patch.learningRate"), 1e-12);
    Api.cancelQueuedRuns();
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("datasetId", dataset, "presetId", 7))
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("presetId"));
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("datasetId", dataset, "presetId", "small-data"))
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("pretrainedWeights"))
        .body("fields[0].message", containsString("connection refused"));
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("datasetId", dataset, "presetId", "balanced", "undoAdjustments", "all"))
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("undoAdjustments"));
  }

  private static JsonPath preview(String preset, Map<String, Object> body) {
    return Api.as()
        .contentType(ContentType.JSON)
        .body(body)
        .post("/api/presets/" + preset + "/preview")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }
}
