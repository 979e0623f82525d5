package io.kiln.backend.agent;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.kiln.backend.common.Conflicts;
import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunLeases;
import io.kiln.backend.support.Api;
import io.kiln.backend.support.LiveClient;
import io.kiln.backend.support.TestAgent;
import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.MetricKind;
import io.kiln.core.protocol.Protocol;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/**
 * The agent protocol end to end over real sockets: enroll, claim, report, finish, cancel, revoke.
 */
@QuarkusTest
class AgentProtocolTest {
  /** Tests here claim "the oldest queued run", so they must not interleave. */
  static final ReentrantLock SERIAL = TestAgent.SERIAL;

  @TestHTTPResource("/")
  URI base;

  @Test
  void enrollmentTokensAreOneTimeAndAdminOnly() {
    String token =
        Api.as()
            .post("/api/agents/enrollment-tokens")
            .then()
            .statusCode(201)
            .extract()
            .path("token");
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("token", token, "name", "gpu-1"))
        .post("/api/agents/enroll")
        .then()
        .statusCode(201)
        .body("credential", org.hamcrest.Matchers.startsWith("ka_"));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("token", token))
        .post("/api/agents/enroll")
        .then()
        .statusCode(401)
        .body("error", containsString("already used"));
    given()
        .contentType(ContentType.JSON)
        .body(Map.of("token", "ke_made_up"))
        .post("/api/agents/enroll")
        .then()
        .statusCode(401)
        .body("error", equalTo("unknown enrollment token"));
    given().post("/api/agents/enrollment-tokens").then().statusCode(401);
  }

  @Test
  void aSocketWithoutCredentialIsRefused() {
    given()
        .get("/ws/agent")
        .then()
        .statusCode(401)
        .body("error", containsString("agent credential"));
  }

  @Test
  void aRunGoesFromClaimToSuccessWithLiveMetricsAndNoDuplicates() throws Exception {
    SERIAL.lock();
    try (TestAgent agent = connect("trainer")) {
      Api.cancelQueuedRuns();
      long datasetId = Api.uploadValid("protocol");
      long runId = Api.createRun(Map.of("datasetId", datasetId, "epochs", 2, "batchSize", 4));
      agent.expect(BackendMessage.WorkAvailable.class);
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment assignment = agent.expect(BackendMessage.RunAssignment.class);
      assertEquals(runId, assignment.runId());
      assertEquals(List.of("cats", "dogs"), assignment.classNames());
      assertEquals(2, ((Number) assignment.recipe().get("epochs")).intValue());
      assertEquals(0, assignment.nextSeq());
      Api.as().get("/api/runs/" + runId).then().body("state", equalTo("assigned"));

      String credential = agent.credential;
      byte[] dataset =
          given()
              .header("Authorization", "Bearer " + credential)
              .get(assignment.datasetPath())
              .then()
              .statusCode(200)
              .extract()
              .asByteArray();
      assertTrue(dataset.length > 100, "the canonical archive is served");
      Api.as().get(assignment.datasetPath()).then().statusCode(403);

      try (LiveClient browser = new LiveClient(base, runId, -1)) {
        assertEquals("assigned", browser.next("snapshot").path("run").path("state").asText());
        agent.send(new AgentMessage.RunStarted(runId, 0, "cpu()", 2, 3));
        agent.expect(BackendMessage.Ack.class);
        assertEquals("running", browser.next("run").path("run").path("state").asText());
        AgentMessage.MetricReport step =
            new AgentMessage.MetricReport(
                runId,
                1,
                MetricKind.STEP,
                1,
                1,
                Map.of(Metric.LOSS.key(), 0.9, Metric.LR.key(), 0.05),
                System.currentTimeMillis());
        agent.send(step);
        assertEquals(1, agent.expect(BackendMessage.Ack.class).seq());
        agent.send(step);
        assertEquals(
            1,
            agent.expect(BackendMessage.Ack.class).seq(),
            "a resent point is acknowledged again");
        agent.send(
            new AgentMessage.MetricReport(
                runId,
                2,
                MetricKind.EPOCH,
                1,
                3,
                Map.of(
                    Metric.TRAIN_LOSS.key(),
                    0.8,
                    Metric.TRAIN_ACCURACY.key(),
                    0.6,
                    Metric.VAL_LOSS.key(),
                    0.7,
                    Metric.VAL_ACCURACY.key(),
                    0.75,
                    Metric.LR.key(),
                    0.04),
                System.currentTimeMillis()));
        agent.expect(BackendMessage.Ack.class);
        JsonNode pushed = browser.next("metric");
        assertEquals(1, pushed.path("point").path("seq").asLong());
        assertEquals(0.9, pushed.path("point").path("values").path(Metric.LOSS.key()).asDouble());
        assertEquals(2, browser.next("metric").path("point").path("seq").asLong());
        assertTrue(
            browser.drain().stream().noneMatch(m -> m.path("point").path("seq").asLong() == 1),
            "the duplicate was not pushed");
      }
      Api.as()
          .get("/api/runs/" + runId + "/metrics")
          .then()
          .statusCode(200)
          .body("seq", equalTo(List.of(1, 2)))
          .body("[1].values.valAccuracy", equalTo(0.75f));
      String csv =
          Api.as()
              .get("/api/runs/" + runId + "/metrics/export?format=csv")
              .then()
              .statusCode(200)
              .contentType(containsString("text/csv"))
              .header("Content-Disposition", containsString(".csv"))
              .extract()
              .asString();
      List<String> rows = csv.lines().toList();
      assertEquals(
          "seq,kind,epoch,step,reportedAtMillis,loss,lr,trainAccuracy,trainLoss,valAccuracy,valLoss",
          rows.get(0),
          "one column per value name");
      assertEquals(3, rows.size());
      assertTrue(
          rows.get(1).startsWith("1,step,1,1,") && rows.get(1).contains(",0.900000"), rows.get(1));
      Api.as()
          .get("/api/runs/" + runId + "/metrics/export?format=json")
          .then()
          .statusCode(200)
          .header("Content-Disposition", containsString(".json"))
          .body("seq", equalTo(List.of(1, 2)));
      Api.as()
          .get("/api/runs/" + runId + "/metrics/export?format=xml")
          .then()
          .statusCode(400)
          .body("error", containsString("csv or json"));
      Api.as()
          .get("/api/runs/" + runId)
          .then()
          .body("currentEpoch", equalTo(1))
          .body("bestValAccuracy", equalTo(0.75f));

      try (LiveClient late = new LiveClient(base, runId, 1)) {
        JsonNode snapshot = late.next("snapshot");
        assertEquals(
            1, snapshot.path("metrics").size(), "a reconnecting browser gets only what it missed");
        assertEquals(2, snapshot.path("metrics").get(0).path("seq").asLong());
      }

      byte[] model = {80, 75, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
      given()
          .header("Authorization", "Bearer " + credential)
          .contentType("application/octet-stream")
          .body(model)
          .put(assignment.modelPath())
          .then()
          .statusCode(204);
      agent.send(new AgentMessage.RunFinished(runId, 3, "SUCCEEDED", null));
      agent.expect(BackendMessage.Ack.class);
      Api.as()
          .get("/api/runs/" + runId)
          .then()
          .body("state", equalTo("succeeded"))
          .body("modelAvailable", equalTo(true));
      assertArrayEquals(
          model,
          Api.as()
              .get("/api/runs/" + runId + "/model")
              .then()
              .statusCode(200)
              .extract()
              .asByteArray());
      agent.send(new AgentMessage.RunFinished(runId, 3, "FAILED", "late duplicate"));
      agent.expect(BackendMessage.Ack.class);
      Api.as().get("/api/runs/" + runId).then().body("state", equalTo("succeeded"));
    } finally {
      SERIAL.unlock();
    }
  }

  @Test
  void aFineTuneGetsItsParentsModelAndTheEvaluationIsStored() throws Exception {
    SERIAL.lock();
    try (TestAgent agent = connect("fine-tuner")) {
      Api.cancelQueuedRuns();
      long datasetId = Api.uploadValid("fine-tune");
      long parentId = Api.createRun(Map.of("datasetId", datasetId, "epochs", 1));
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment parent = agent.expect(BackendMessage.RunAssignment.class);
      assertEquals(null, parent.initialWeightsPath(), "a run from random weights downloads none");
      Api.as()
          .contentType(ContentType.JSON)
          .body(Map.of("datasetId", datasetId, "initialWeights", "run", "initialRunId", parentId))
          .post("/api/runs")
          .then()
          .statusCode(400)
          .body("fields[0].field", equalTo("initialRunId"))
          .body("error", containsString("no trained model"));
      byte[] model = {80, 75, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7};
      given()
          .header("Authorization", "Bearer " + agent.credential)
          .contentType("application/octet-stream")
          .body(model)
          .put(parent.modelPath())
          .then()
          .statusCode(204);
      agent.send(new AgentMessage.RunFinished(parentId, 0, "SUCCEEDED", null));
      agent.expect(BackendMessage.Ack.class);

      Api.as()
          .contentType(ContentType.JSON)
          .body(
              Map.of(
                  "datasetId",
                  datasetId,
                  "initialWeights",
                  "run",
                  "initialRunId",
                  parentId,
                  "architecture",
                  "resnet-18"))
          .post("/api/runs")
          .then()
          .statusCode(400)
          .body("fields[0].field", equalTo("initialRunId"))
          .body("error", containsString("same architecture"));
      long childId =
          Api.createRun(
              Map.of(
                  "datasetId",
                  datasetId,
                  "initialWeights",
                  "run",
                  "initialRunId",
                  parentId,
                  "headOnlyEpochs",
                  1,
                  "epochs",
                  3));
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment child = agent.expect(BackendMessage.RunAssignment.class);
      assertEquals(childId, child.runId());
      assertArrayEquals(
          model,
          given()
              .header("Authorization", "Bearer " + agent.credential)
              .get(child.initialWeightsPath())
              .then()
              .statusCode(200)
              .extract()
              .asByteArray(),
          "T13: the child starts from its parent's model");

      Map<String, Object> evaluation =
          Map.of(
              "accuracy",
              0.5,
              "classNames",
              List.of("cats", "dogs"),
              "confusion",
              List.of(List.of(1, 1), List.of(0, 2)));
      // A malformed evaluation is acknowledged (or the agent would resend it forever) and dropped.
      agent.send(
          new AgentMessage.RunEvaluated(
              childId, 0, Map.of("accuracy", "high", "confusion", "none")));
      assertEquals(0, agent.expect(BackendMessage.Ack.class).seq());
      Api.as().get("/api/runs/" + childId).then().body("evaluation", equalTo(null));
      agent.send(new AgentMessage.RunEvaluated(childId, 0, evaluation));
      assertEquals(0, agent.expect(BackendMessage.Ack.class).seq());
      given()
          .header("Authorization", "Bearer " + agent.credential)
          .contentType("application/octet-stream")
          .body(model)
          .put(child.modelPath())
          .then()
          .statusCode(204);
      agent.send(
          new AgentMessage.RunFinished(
              childId, 1, "SUCCEEDED", "stopped early after epoch 2 (T15)"));
      agent.expect(BackendMessage.Ack.class);
      Api.as()
          .get("/api/runs/" + childId)
          .then()
          .body("state", equalTo("succeeded"))
          .body("evaluation.accuracy", equalTo(0.5f))
          .body("evaluation.confusion[1][1]", equalTo(2))
          .body("note", containsString("T15"))
          .body("failureReason", equalTo(null));
    } finally {
      SERIAL.unlock();
    }
  }

  @Test
  void cancellingARunningRunReachesTheAgent() throws Exception {
    SERIAL.lock();
    try (TestAgent agent = connect("cancel-me")) {
      Api.cancelQueuedRuns();
      long runId = Api.createRun(Map.of("datasetId", Api.uploadValid("cancel"), "epochs", 3));
      agent.send(new AgentMessage.ClaimRun());
      assertEquals(runId, agent.expect(BackendMessage.RunAssignment.class).runId());
      agent.send(new AgentMessage.RunStarted(runId, 0, "cpu()", 3, 10));
      Api.as()
          .post("/api/runs/" + runId + "/cancel")
          .then()
          .statusCode(200)
          .body("state", equalTo("cancelling"));
      assertEquals(runId, agent.expect(BackendMessage.CancelRun.class).runId());
      agent.send(new AgentMessage.RunFinished(runId, 1, "CANCELLED", "cancelled by user"));
      agent.expect(BackendMessage.Ack.class);
      Api.as().get("/api/runs/" + runId).then().body("state", equalTo("cancelled"));
    } finally {
      SERIAL.unlock();
    }
  }

  @Test
  void revokingAnAgentRequeuesItsRunAndLocksItOut() throws Exception {
    SERIAL.lock();
    try (TestAgent agent = connect("doomed")) {
      Api.cancelQueuedRuns();
      long runId = Api.createRun(Map.of("datasetId", Api.uploadValid("revoke")));
      agent.send(new AgentMessage.ClaimRun());
      agent.expect(BackendMessage.RunAssignment.class);
      Api.as()
          .get("/api/agents")
          .then()
          .statusCode(200)
          .body("find { it.id == " + agent.agentId + " }.connected", equalTo(true))
          .body("find { it.id == " + agent.agentId + " }.devices[0].kind", equalTo("cpu"));
      Api.as().post("/api/agents/" + agent.agentId + "/revoke").then().statusCode(200);
      assertTrue(agent.expect(BackendMessage.Rejected.class).reason().contains("revoked"));
      Api.as()
          .get("/api/runs/" + runId)
          .then()
          .body("state", equalTo("queued"))
          .body("attempts", equalTo(1))
          .body("agentId", org.hamcrest.Matchers.nullValue());
      Api.as()
          .get("/api/runs/" + runId + "/attempts")
          .then()
          .body("[0].outcome", equalTo("requeued"))
          .body("[0].failureClass", equalTo("infrastructure"))
          .body("[0].reason", containsString("revoked"));
      Api.as().post("/api/runs/" + runId + "/cancel").then().statusCode(200);
      given()
          .header("Authorization", "Bearer " + agent.credential)
          .get("/api/agent/runs/" + runId + "/dataset")
          .then()
          .statusCode(401);
    } finally {
      SERIAL.unlock();
    }
  }

  @Inject RunLeases leases;

  @Test
  void twoAgentsClaimingAtOnceGetDifferentRuns() throws Exception {
    SERIAL.lock();
    try (TestAgent first = connect("twin-a");
        TestAgent second = connect("twin-b")) {
      Api.cancelQueuedRuns();
      long datasetId = Api.uploadValid("twins");
      long runA = Api.createRun(Map.of("datasetId", datasetId));
      long runB = Api.createRun(Map.of("datasetId", datasetId));
      first.send(new AgentMessage.ClaimRun());
      second.send(new AgentMessage.ClaimRun());
      long claimedA = first.expect(BackendMessage.RunAssignment.class).runId();
      long claimedB = second.expect(BackendMessage.RunAssignment.class).runId();
      assertEquals(java.util.Set.of(runA, runB), java.util.Set.of(claimedA, claimedB));
      Api.as().get("/api/runs/" + claimedA).then().body("agentId", equalTo((int) first.agentId));
      Api.as().get("/api/runs/" + claimedB).then().body("agentId", equalTo((int) second.agentId));
      first.send(new AgentMessage.ClaimRun());
      first.expect(BackendMessage.NoWork.class);
      // A heartbeat sent before the assignment arrived (no run yet) does not make it idle again.
      long runC = Api.createRun(Map.of("datasetId", datasetId));
      first.send(new AgentMessage.Heartbeat(null));
      first.send(new AgentMessage.ClaimRun());
      first.expect(BackendMessage.NoWork.class);
      Api.as().post("/api/runs/" + runC + "/cancel").then().statusCode(200);
    } finally {
      SERIAL.unlock();
    }
  }

  /**
   * A heartbeat naming the run the agent just finished (sent before its RunFinished, handled after)
   * is told to stop and does not make the agent look busy: its next claim gets the next run. (Seen
   * in the journey: the local agent stayed "training run #4" and was never given work again.)
   */
  @Test
  void aLateHeartbeatOfAFinishedRunDoesNotMakeTheAgentBusyForGood() throws Exception {
    SERIAL.lock();
    try (TestAgent agent = connect("late-beat")) {
      Api.cancelQueuedRuns();
      long datasetId = Api.uploadValid("late-beat");
      long first = Api.createRun(Map.of("datasetId", datasetId));
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment a = agent.expect(BackendMessage.RunAssignment.class);
      assertEquals(first, a.runId());
      agent.send(new AgentMessage.RunFinished(first, a.nextSeq(), "FAILED", "test over"));
      agent.expect(BackendMessage.Ack.class);
      agent.send(new AgentMessage.Heartbeat(first));
      assertEquals(first, agent.expect(BackendMessage.CancelRun.class).runId());
      long second = Api.createRun(Map.of("datasetId", datasetId));
      agent.send(new AgentMessage.ClaimRun());
      // Work, not NoWork (the failed first run may itself be back in the queue for a retry).
      long next = agent.expect(BackendMessage.RunAssignment.class).runId();
      assertTrue(next == first || next == second, "claimed run " + next);
      for (long id : new long[] {first, second}) {
        Api.as().post("/api/runs/" + id + "/cancel");
      }
    } finally {
      SERIAL.unlock();
    }
  }

  @Test
  void aSilentAgentLosesItsLeaseAndIsToldToStop() throws Exception {
    SERIAL.lock();
    try (TestAgent agent = connect("silent")) {
      Api.cancelQueuedRuns();
      long runId = Api.createRun(Map.of("datasetId", Api.uploadValid("lease")));
      agent.send(new AgentMessage.ClaimRun());
      agent.expect(BackendMessage.RunAssignment.class);
      QuarkusTransaction.requiringNew()
          .run(
              () ->
                  Run.update(
                      "leaseExpiresAt = ?1 where id = ?2", Instant.now().minusSeconds(1), runId));
      assertTrue(leases.expiredLeases().contains(runId));
      assertTrue(Conflicts.retry(() -> leases.expire(runId)));
      Api.as().get("/api/runs/" + runId).then().body("state", equalTo("queued"));
      Api.as()
          .get("/api/runs/" + runId + "/attempts")
          .then()
          .body("[0].outcome", equalTo("requeued"))
          .body("[0].reason", containsString("stopped responding"));
      agent.send(new AgentMessage.Heartbeat(runId));
      assertEquals(
          runId,
          agent.expect(BackendMessage.CancelRun.class).runId(),
          "a late agent is told to stop");
      agent.send(
          new AgentMessage.MetricReport(
              runId, 5, MetricKind.STEP, 1, 1, Map.of(Metric.LOSS.key(), 1.0), 0));
      agent.expect(BackendMessage.Ack.class);
      Api.as().get("/api/runs/" + runId + "/metrics").then().body("size()", equalTo(0));
      Api.as().post("/api/runs/" + runId + "/cancel").then().statusCode(200);
    } finally {
      SERIAL.unlock();
    }
  }

  @Test
  void anOldProtocolVersionIsRejectedWithAReason() throws Exception {
    Enrolled e = enroll("old");
    try (TestAgent agent = new TestAgent(base, e.agentId(), e.credential())) {
      agent.send(new AgentMessage.Hello(Protocol.VERSION + 41, "0.0.1", "old-host", List.of()));
      assertTrue(agent.expect(BackendMessage.Rejected.class).reason().contains("not supported"));
    }
  }

  private record Enrolled(long agentId, String credential) {}

  private Enrolled enroll(String name) {
    String token = Api.as().post("/api/agents/enrollment-tokens").then().extract().path("token");
    var body =
        given()
            .contentType(ContentType.JSON)
            .body(Map.of("token", token, "name", name))
            .post("/api/agents/enroll")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    return new Enrolled(body.getLong("agentId"), body.getString("credential"));
  }

  private TestAgent connect(String name) throws InterruptedException {
    Enrolled e = enroll(name);
    TestAgent agent = new TestAgent(base, e.agentId(), e.credential());
    agent.send(
        new AgentMessage.Hello(
            Protocol.VERSION,
            "test",
            "test-host",
            List.of(new AgentMessage.DeviceInfo("cpu()", "cpu", "2 cores"))));
    BackendMessage.Welcome welcome = agent.expect(BackendMessage.Welcome.class);
    assertEquals(Long.toString(e.agentId()), welcome.agentId());
    return agent;
  }
}
