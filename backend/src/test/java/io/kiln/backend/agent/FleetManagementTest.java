package io.kiln.backend.agent;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.People;
import io.kiln.backend.support.TestAgent;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 12: an admin drains and undrains agents; teams share the fleet fairly. */
@QuarkusTest
class FleetManagementTest {
  @TestHTTPResource("/")
  URI base;

  @Test
  void aDrainedAgentClaimsNothingAndDrainingNowRequeuesItsRun() throws Exception {
    AgentProtocolTest.SERIAL.lock();
    try (TestAgent agent = TestAgent.connect(base, "drainable")) {
      Api.cancelQueuedRuns();
      long runId = Api.createRun(Map.of("datasetId", Api.uploadValid("drain")));
      Api.as().post("/api/agents/" + agent.agentId + "/drain").then().statusCode(200);
      Api.as()
          .get("/api/agents")
          .then()
          .body("find { it.id == " + agent.agentId + " }.drained", equalTo(true));
      agent.send(new AgentMessage.ClaimRun());
      agent.expect(BackendMessage.NoWork.class);
      Api.as().get("/api/runs/" + runId).then().body("state", equalTo("queued"));

      Api.as().post("/api/agents/" + agent.agentId + "/undrain").then().statusCode(200);
      agent.send(new AgentMessage.ClaimRun());
      assertEquals(runId, agent.expect(BackendMessage.RunAssignment.class).runId());

      Api.as().post("/api/agents/" + agent.agentId + "/drain?now=true").then().statusCode(200);
      assertEquals(runId, agent.expect(BackendMessage.CancelRun.class).runId());
      Api.as()
          .get("/api/runs/" + runId)
          .then()
          .body("state", equalTo("queued"))
          .body("agentId", org.hamcrest.Matchers.nullValue());
      Api.as()
          .get("/api/runs/" + runId + "/attempts")
          .then()
          .body("[0].reason", org.hamcrest.Matchers.containsString("drained"));
      Api.as().post("/api/agents/" + agent.agentId + "/undrain").then().statusCode(200);
      Api.as().post("/api/runs/" + runId + "/cancel").then().statusCode(200);
      Api.as()
          .get("/api/audit")
          .then()
          .body("action", org.hamcrest.Matchers.hasItem("agent-drained-now"));
    } finally {
      AgentProtocolTest.SERIAL.unlock();
    }
  }

  @Test
  void oneTeamsQueueDoesNotStarveAnothersRun() throws Exception {
    AgentProtocolTest.SERIAL.lock();
    try (TestAgent first = TestAgent.connect(base, "fair-1");
        TestAgent second = TestAgent.connect(base, "fair-2")) {
      Api.cancelQueuedRuns();
      // Two fresh teams with nothing running: team A queues three runs, then team B one.
      long a = People.team("fair-a-" + System.nanoTime());
      long b = People.team("fair-b-" + System.nanoTime());
      long inA = People.datasetIn(a);
      long a1 = Api.createRun(Map.of("datasetId", inA));
      long a2 = Api.createRun(Map.of("datasetId", inA));
      long a3 = Api.createRun(Map.of("datasetId", inA));
      long b1 = Api.createRun(Map.of("datasetId", People.datasetIn(b)));

      first.send(new AgentMessage.ClaimRun());
      assertEquals(a1, first.expect(BackendMessage.RunAssignment.class).runId(), "oldest first");
      second.send(new AgentMessage.ClaimRun());
      assertEquals(
          b1,
          second.expect(BackendMessage.RunAssignment.class).runId(),
          "the team with nothing running goes before the busy team's older runs");
      for (long id : new long[] {a1, a2, a3, b1}) {
        Api.as().post("/api/runs/" + id + "/cancel").then().statusCode(200);
      }
    } finally {
      AgentProtocolTest.SERIAL.unlock();
    }
  }

  /** Issue 17: a Kubernetes Deployment's pods start with one token, each enrolling once. */
  @Test
  void aTokenForSeveralAgentsEnrollsThatManyAndNoMore() {
    String token =
        Api.as()
            .contentType("application/json")
            .body("{\"uses\": 2, \"hours\": 72}")
            .post("/api/agents/enrollment-tokens")
            .then()
            .statusCode(201)
            .body("uses", org.hamcrest.Matchers.equalTo(2))
            .extract()
            .path("token");
    java.util.Set<Integer> agents = new java.util.HashSet<>();
    for (String pod : new String[] {"pod-a", "pod-b"}) {
      agents.add(
          io.restassured.RestAssured.given()
              .contentType("application/json")
              .body(Map.of("token", token, "name", pod))
              .post("/api/agents/enroll")
              .then()
              .statusCode(201)
              .extract()
              .path("agentId"));
    }
    assertEquals(2, agents.size(), "each pod is an agent of its own");
    io.restassured.RestAssured.given()
        .contentType("application/json")
        .body(Map.of("token", token, "name", "pod-c"))
        .post("/api/agents/enroll")
        .then()
        .statusCode(401)
        .body("error", org.hamcrest.Matchers.containsString("already used"));
    Api.as()
        .contentType("application/json")
        .body("{\"uses\": 0}")
        .post("/api/agents/enrollment-tokens")
        .then()
        .statusCode(400)
        .body("fields[0].field", org.hamcrest.Matchers.equalTo("uses"));
  }

  @Test
  void pendingTokensAreListedAndWithdrawnAndAnAgentShowsItsDetail() throws Exception {
    Api.as().post("/api/agents/enrollment-tokens").then().statusCode(201);
    java.util.List<Integer> ids =
        Api.as().get("/api/agents/enrollment-tokens").jsonPath().getList("id");
    int newest = ids.get(ids.size() - 1);
    Api.as().delete("/api/agents/enrollment-tokens?id=" + newest).then().statusCode(204);
    Api.as()
        .get("/api/agents/enrollment-tokens")
        .then()
        .body("id", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasItem(newest)));
    Api.as()
        .delete("/api/agents/enrollment-tokens?id=" + newest)
        .then()
        .statusCode(404)
        .body("error", org.hamcrest.Matchers.containsString("unused enrollment token"));

    try (TestAgent agent = TestAgent.connect(base, "detailed")) {
      agent.send(
          new AgentMessage.Hello(
              io.kiln.core.protocol.Protocol.VERSION,
              "0.1.0",
              "gpu-host",
              java.util.List.of(
                  new AgentMessage.DeviceInfo("gpu(0)", "gpu", "CUDA device 0", 80L << 30)),
              Map.of("djl", "0.35.1", "pytorch", "2.7.1")));
      agent.expect(BackendMessage.Welcome.class);
      Api.as()
          .get("/api/agents/" + agent.agentId)
          .then()
          .statusCode(200)
          .body("agent.devices[0].memoryBytes", equalTo(80L << 30))
          .body("agent.versions.pytorch", equalTo("2.7.1"))
          .body("protocolVersion", equalTo(io.kiln.core.protocol.Protocol.VERSION))
          .body("attempts.size()", equalTo(0));
    }
    Api.as().get("/api/agents/999999").then().statusCode(404);
    Api.as()
        .delete("/api/agents/enrollment-tokens")
        .then()
        .statusCode(400)
        .body("error", org.hamcrest.Matchers.containsString("?id= is required"));
  }

  @Test
  void onlyAnAgentWithTheLabelsAndMemoryARunRequiresClaimsItAndPriorityGoesFirst()
      throws Exception {
    AgentProtocolTest.SERIAL.lock();
    try (TestAgent agent = TestAgent.connect(base, "placement")) {
      Api.cancelQueuedRuns();
      long datasetId = Api.uploadValid("placement");
      Api.as()
          .contentType("application/json")
          .body(Map.of("datasetId", datasetId, "requiredLabels", java.util.List.of("gpu a100")))
          .post("/api/runs")
          .then()
          .statusCode(400)
          .body("error", org.hamcrest.Matchers.containsString("'gpu a100' is not a label"));
      long picky =
          Api.createRun(
              Map.of(
                  "datasetId",
                  datasetId,
                  "requiredLabels",
                  java.util.List.of("GPU=A100"),
                  "minDeviceMemoryGb",
                  40));
      Api.as()
          .get("/api/runs/" + picky)
          .then()
          .body("requiredLabels", equalTo(java.util.List.of("gpu=a100")))
          .body("minDeviceMemoryGb", equalTo(40.0f));
      agent.send(new AgentMessage.ClaimRun());
      agent.expect(BackendMessage.NoWork.class);

      Api.as()
          .contentType("application/json")
          .body(Map.of("labels", java.util.List.of("gpu=a100", "zone=eu")))
          .put("/api/agents/" + agent.agentId + "/labels")
          .then()
          .statusCode(200)
          .body("labels", equalTo(java.util.List.of("gpu=a100", "zone=eu")));
      // A run of higher priority, queued later, goes first.
      long urgent = Api.createRun(Map.of("datasetId", datasetId, "priority", 5));
      agent.send(new AgentMessage.ClaimRun());
      assertEquals(urgent, agent.expect(BackendMessage.RunAssignment.class).runId());
      agent.send(new AgentMessage.RunFinished(urgent, 0, "CANCELLED", "done"));
      agent.expect(BackendMessage.Ack.class);
      agent.send(new AgentMessage.ClaimRun());
      assertEquals(picky, agent.expect(BackendMessage.RunAssignment.class).runId());
      Api.as().post("/api/runs/" + picky + "/cancel").then().statusCode(200);
    } finally {
      AgentProtocolTest.SERIAL.unlock();
    }
  }

  @Test
  void labelsCanBeGivenAtEnrollment() {
    String token = Api.as().post("/api/agents/enrollment-tokens").then().extract().path("token");
    Number id =
        io.restassured.RestAssured.given()
            .contentType("application/json")
            .body(
                Map.of("token", token, "name", "labelled", "labels", java.util.List.of("zone=eu")))
            .post("/api/agents/enroll")
            .then()
            .statusCode(201)
            .extract()
            .path("agentId");
    Api.as()
        .get("/api/agents/" + id)
        .then()
        .body("agent.labels", equalTo(java.util.List.of("zone=eu")));
  }
}
