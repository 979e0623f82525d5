package io.kiln.backend.backbone;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.TestAgent;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.InputStream;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Uploading a pretrained TorchScript backbone and fine-tuning from it (T13). */
@QuarkusTest
class BackboneResourceTest {
  @TestHTTPResource("/")
  URI base;

  static byte[] fixture() throws Exception {
    try (InputStream in = BackboneResourceTest.class.getResourceAsStream("/backbone.pt")) {
      return in.readAllBytes();
    }
  }

  @Test
  void aBackboneIsUploadedListedAndServedToTheAgentOfARunThatUsesIt() throws Exception {
    byte[] bytes = fixture();
    long id =
        Api.as()
            .multiPart("file", "resnet-features.pt", bytes)
            .post("/api/backbones")
            .then()
            .statusCode(201)
            .body("name", equalTo("resnet-features.pt"))
            .body("sizeBytes", equalTo(bytes.length))
            .extract()
            .jsonPath()
            .getLong("id");
    Api.as()
        .get("/api/backbones")
        .then()
        .statusCode(200)
        .body("find { it.id == " + id + " }.name", equalTo("resnet-features.pt"));

    long datasetId = Api.uploadValid("backbone-data");
    Api.as()
        .contentType(ContentType.JSON)
        .body(Map.of("datasetId", datasetId, "initialWeights", "backbone", "backboneId", id))
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("architecture"));
    Api.as()
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "datasetId",
                datasetId,
                "architecture",
                "backbone",
                "initialWeights",
                "backbone",
                "backboneId",
                999999))
        .post("/api/runs")
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("backboneId"));

    try (TestAgent agent = TestAgent.connect(base, "backbone-agent")) {
      Api.cancelQueuedRuns();
      long runId =
          Api.createRun(
              Map.of(
                  "datasetId",
                  datasetId,
                  "architecture",
                  "backbone",
                  "initialWeights",
                  "backbone",
                  "backboneId",
                  id,
                  "headOnlyEpochs",
                  1,
                  "epochs",
                  3));
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment assignment = agent.expect(BackendMessage.RunAssignment.class);
      assertEquals(runId, assignment.runId());
      assertArrayEquals(
          bytes,
          io.restassured.RestAssured.given()
              .header("Authorization", "Bearer " + agent.credential)
              .get(assignment.initialWeightsPath())
              .then()
              .statusCode(200)
              .extract()
              .asByteArray());
      Api.cancelQueuedRuns();
      Api.as().post("/api/runs/" + runId + "/cancel").then().statusCode(200);
    }
  }

  @Test
  void aFileThatIsNotTorchScriptIsRefusedAndNothingIsStored() {
    int before = Api.as().get("/api/backbones").then().extract().jsonPath().getList("$").size();
    Api.as()
        .multiPart("file", "weights.pt", "not a model".getBytes())
        .post("/api/backbones")
        .then()
        .statusCode(400)
        .body("error", containsString("not a TorchScript file"));
    Api.as()
        .multiPart(
            "file",
            "empty.zip",
            io.kiln.backend.support.TestZips.create().images("cats", 2).bytes())
        .post("/api/backbones")
        .then()
        .statusCode(400);
    assertEquals(
        before, Api.as().get("/api/backbones").then().extract().jsonPath().getList("$").size());
  }
}
