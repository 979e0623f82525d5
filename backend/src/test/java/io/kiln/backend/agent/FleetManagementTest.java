package io.kiln.backend.agent;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.People;
import io.kiln.backend.support.TestAgent;
import io.kiln.backend.support.TestZips;
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
      long busyTeamDataset = Api.uploadValid("busy-team");
      long a1 = Api.createRun(Map.of("datasetId", busyTeamDataset));
      long a2 = Api.createRun(Map.of("datasetId", busyTeamDataset));
      long a3 = Api.createRun(Map.of("datasetId", busyTeamDataset));
      long team = People.team("fair-" + System.nanoTime());
      Number otherDataset =
          Api.as()
              .header("Kiln-Team", team)
              .multiPart(
                  "file",
                  "other.zip",
                  TestZips.create().images("a", 6).images("b", 6).bytes(),
                  "application/zip")
              .post("/api/datasets")
              .then()
              .statusCode(201)
              .extract()
              .path("id");
      long b1 = Api.createRun(Map.of("datasetId", otherDataset.longValue()));

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
}
