package io.kiln.backend.recipe;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;

import io.kiln.backend.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The recipe catalogue the form is built from, and recipe validation at launch. */
@QuarkusTest
class RecipeResourceTest {

  @Test
  void everyFieldComesWithItsExplanationAndTrickIds() {
    Api.as()
        .get("/api/recipe/fields")
        .then()
        .statusCode(200)
        .body("size()", greaterThan(50))
        .body("find { it.name == 'labelSmoothing' }.trickIds", equalTo(List.of("T10")))
        .body(
            "find { it.name == 'optimizer' }.choices",
            equalTo(List.of("sgd", "adam", "adamw", "rmsprop", "nadam")))
        .body("find { it.name == 'warmupEpochs' }.help", containsString("from 0"))
        .body("find { it.name == 'epochs' }.advanced", equalTo(false))
        .body("find { it.name == 'milestones' }.type", equalTo("integer_list"))
        .body("group", hasItem("Augmentation"));
  }

  @Test
  void impossibleCombinationsAreRefusedNamingTheField() {
    long datasetId = Api.uploadValid("recipe-rules");
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("datasetId", datasetId, "epochs", 3, "warmupEpochs", 3))
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("fields.field", equalTo(List.of("warmupEpochs")))
        .body("error", containsString("shorter than"));
    Api.as()
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "datasetId", datasetId,
                "mixupAlpha", 0.2,
                "cutmixAlpha", 1.0,
                "mixupProbability", 0.8))
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("fields.field", equalTo(List.of("cutmixProbability")));
    // By their strength alone the two alternate, half the batches each (issue 14).
    Number both =
        Api.as()
            .contentType(ContentType.JSON)
            .body(Map.of("datasetId", datasetId, "mixupAlpha", 0.2, "cutmixAlpha", 1.0))
            .post("/api/runs")
            .then()
            .statusCode(201)
            .body("recipe.mixupProbability", equalTo(0.5f))
            .body("recipe.cutmixProbability", equalTo(0.5f))
            .extract()
            .path("id");
    Api.as().post("/api/runs/" + both + "/cancel").then().statusCode(200);
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("datasetId", datasetId, "initialWeights", "run", "initialRunId", 999999))
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("initialRunId"))
        .body("error", containsString("does not exist"));
  }

  @Test
  void aFullRecipeIsStoredWithTheRun() {
    long datasetId = Api.uploadValid("recipe-stored");
    Api.as()
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "datasetId",
                datasetId,
                "optimizer",
                "adamw",
                "schedule",
                "piecewise",
                "milestones",
                List.of(2, 4),
                "epochs",
                6,
                "cutmixAlpha",
                1.0,
                "labelSmoothing",
                0.1))
        .post("/api/runs")
        .then()
        .statusCode(201)
        .body("recipe.optimizer", equalTo("adamw"))
        .body("recipe.milestones", equalTo(List.of(2, 4)))
        .body("recipe.cutmixAlpha", equalTo(1.0f))
        .body("recipe.momentum", equalTo(0.9f))
        .body("state", equalTo("queued"));
    Api.cancelQueuedRuns();
  }
}
