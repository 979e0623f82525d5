package io.kiln.backend.agent;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.backend.common.Conflicts;
import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunLeases;
import io.kiln.backend.storage.BlobStore;
import io.kiln.backend.support.Api;
import io.kiln.backend.support.TestAgent;
import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.MetricKind;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 12: a run whose attempt fails goes back to the queue and resumes from its last checkpoint
 * on any agent, with nothing lost and nothing counted twice; failures are retried by their class.
 */
@QuarkusTest
class RequeueResumeTest {
  // RequeueResumeOnS3Test runs all of this again with checkpoints in object storage.
  @TestHTTPResource("/")
  URI base;

  @Inject RunLeases leases;
  @Inject BlobStore blobs;

  long seq;

  void epoch(TestAgent agent, long runId, int epoch, boolean complete) throws Exception {
    for (int step = 1; step <= 3; step++) {
      agent.send(
          new AgentMessage.MetricReport(
              runId,
              seq++,
              MetricKind.STEP,
              epoch,
              (epoch - 1) * 3L + step,
              Map.of(Metric.LOSS.key(), 1.0 / epoch),
              System.currentTimeMillis()));
      agent.expect(BackendMessage.Ack.class);
    }
    if (complete) {
      agent.send(
          new AgentMessage.MetricReport(
              runId,
              seq++,
              MetricKind.EPOCH,
              epoch,
              epoch * 3L,
              Map.of(
                  Metric.TRAIN_LOSS.key(), 1.0 / epoch,
                  Metric.VAL_LOSS.key(), 1.1 / epoch,
                  Metric.VAL_ACCURACY.key(), 0.5 + epoch / 10.0),
              System.currentTimeMillis()));
      agent.expect(BackendMessage.Ack.class);
    }
  }

  static int putCheckpoint(TestAgent agent, long runId, int epoch, byte[] bytes) {
    return given()
        .header("Authorization", "Bearer " + agent.credential)
        .contentType("application/octet-stream")
        .body(bytes)
        .put("/api/agent/runs/" + runId + "/checkpoint?epoch=" + epoch)
        .statusCode();
  }

  private void expireLease(long runId) {
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                Run.update(
                    "leaseExpiresAt = ?1 where id = ?2", Instant.now().minusSeconds(1), runId));
    assertTrue(Conflicts.retry(() -> leases.expire(runId)));
  }

  private static int batchSize(long runId) {
    return Api.as().get("/api/runs/" + runId).then().extract().path("recipe.batchSize");
  }

  @Test
  void aLostAgentsRunResumesOnAnotherFromItsLastCheckpointWithoutRepeatingAnEpoch()
      throws Exception {
    AgentProtocolTest.SERIAL.lock();
    try (TestAgent first = TestAgent.connect(base, "resume-a");
        TestAgent second = TestAgent.connect(base, "resume-b")) {
      Api.cancelQueuedRuns();
      long runId = Api.createRun(Map.of("datasetId", Api.uploadValid("resume"), "epochs", 3));
      first.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment a = first.expect(BackendMessage.RunAssignment.class);
      assertEquals(runId, a.runId());
      assertFalse(a.resume(), "the first attempt starts from scratch");
      assertEquals(1, a.attempt());
      seq = a.nextSeq();
      first.send(new AgentMessage.RunStarted(runId, seq++, "cpu()", 3, 3));
      first.expect(BackendMessage.Ack.class);
      epoch(first, runId, 1, true);
      byte[] checkpoint = "the parameters after epoch 1".getBytes();
      assertEquals(
          409,
          putCheckpoint(first, runId, 2, checkpoint),
          "a checkpoint of an epoch whose summary is not stored is refused");
      given()
          .header("Authorization", "Bearer " + first.credential)
          .contentType("application/octet-stream")
          .body(checkpoint)
          .put("/api/agent/runs/" + runId + "/checkpoint")
          .then()
          .statusCode(400)
          .body("error", containsString("?epoch= is required"));
      assertEquals(204, putCheckpoint(first, runId, 1, checkpoint));
      epoch(first, runId, 2, false); // the agent dies in the middle of epoch 2
      long spent = seq;
      expireLease(runId);

      Api.as()
          .get("/api/runs/" + runId)
          .then()
          .body("state", equalTo("queued"))
          .body("attempts", equalTo(1))
          .body("checkpointEpoch", equalTo(1))
          .body("currentEpoch", equalTo(1));
      List<Integer> epochs =
          Api.as().get("/api/runs/" + runId + "/metrics").jsonPath().getList("epoch");
      assertFalse(epochs.contains(2), "the unfinished epoch's points are dropped: " + epochs);

      second.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment b = second.expect(BackendMessage.RunAssignment.class);
      assertEquals(runId, b.runId());
      assertTrue(b.resume());
      assertEquals(2, b.attempt());
      assertTrue(b.nextSeq() >= spent, "sequence numbers are never reused: " + b.nextSeq());
      byte[] downloaded =
          given()
              .header("Authorization", "Bearer " + second.credential)
              .get(b.checkpointPath())
              .then()
              .statusCode(200)
              .extract()
              .asByteArray();
      assertArrayEquals(checkpoint, downloaded);
      given()
          .header("Authorization", "Bearer " + first.credential)
          .get(b.checkpointPath())
          .then()
          .statusCode(409)
          .body("error", containsString("holds no lease"));

      seq = b.nextSeq();
      second.send(new AgentMessage.RunStarted(runId, seq++, "cpu()", 3, 3));
      second.expect(BackendMessage.Ack.class);
      epoch(second, runId, 2, true);
      assertEquals(204, putCheckpoint(second, runId, 2, "after epoch 2".getBytes()));
      epoch(second, runId, 3, true);
      given()
          .header("Authorization", "Bearer " + second.credential)
          .contentType("application/octet-stream")
          .body(new byte[] {1, 2, 3})
          .put("/api/agent/runs/" + runId + "/model")
          .then()
          .statusCode(204);
      second.send(new AgentMessage.RunFinished(runId, seq++, "SUCCEEDED", null));
      second.expect(BackendMessage.Ack.class);

      Api.as().get("/api/runs/" + runId).then().body("state", equalTo("succeeded"));
      List<Map<String, Object>> points =
          Api.as().get("/api/runs/" + runId + "/metrics").jsonPath().getList("");
      List<Object> epochPoints =
          points.stream()
              .filter(p -> MetricKind.EPOCH.equals(p.get("kind")))
              .map(p -> p.get("epoch"))
              .toList();
      assertEquals(List.of(1, 2, 3), epochPoints, "every epoch exactly once");
      long[] seqs = points.stream().mapToLong(p -> ((Number) p.get("seq")).longValue()).toArray();
      for (int i = 1; i < seqs.length; i++) {
        assertTrue(seqs[i] > seqs[i - 1], "one increasing sequence");
      }
      Api.as()
          .get("/api/runs/" + runId + "/attempts")
          .then()
          .body("size()", equalTo(2))
          .body("[0].agentId", equalTo((int) first.agentId))
          .body("[0].outcome", equalTo("requeued"))
          .body("[0].failureClass", equalTo("infrastructure"))
          .body("[0].reason", containsString("stopped responding"))
          .body("[1].agentId", equalTo((int) second.agentId))
          .body("[1].resumedFromEpoch", equalTo(1))
          .body("[1].outcome", equalTo("succeeded"));
      assertFalse(
          blobs.exists("checkpoints/run-" + runId + "/epoch-2.zip"),
          "a finished run's checkpoints are deleted");
    } finally {
      AgentProtocolTest.SERIAL.unlock();
    }
  }

  @Test
  void outOfMemoryRetriesOnceWithHalfTheBatchByT8ThenFailsWithAdvice() throws Exception {
    AgentProtocolTest.SERIAL.lock();
    try (TestAgent agent = TestAgent.connect(base, "oom")) {
      Api.cancelQueuedRuns();
      long runId =
          Api.createRun(
              Map.of("datasetId", Api.uploadValid("oom"), "batchSize", 64, "learningRate", 0.08));
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment a = agent.expect(BackendMessage.RunAssignment.class);
      agent.send(
          new AgentMessage.RunFinished(
              runId, a.nextSeq(), "FAILED", "Java heap space", "out_of_memory"));
      agent.expect(BackendMessage.Ack.class);
      Api.as()
          .get("/api/runs/" + runId)
          .then()
          .body("state", equalTo("queued"))
          .body("recipe.batchSize", equalTo(32))
          .body("recipe.learningRate", equalTo(0.04f))
          .body("adjustments.applied.trickId", hasItem("T8"));
      Api.as()
          .get("/api/runs/" + runId + "/attempts")
          .then()
          .body("[0].outcome", equalTo("retried_smaller"))
          .body("[0].reason", containsString("batch 32"));
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment b = agent.expect(BackendMessage.RunAssignment.class);
      assertEquals(32, ((Number) b.recipe().get("batchSize")).intValue());
      agent.send(
          new AgentMessage.RunFinished(
              runId, b.nextSeq(), "FAILED", "Java heap space", "out_of_memory"));
      agent.expect(BackendMessage.Ack.class);
      Api.as()
          .get("/api/runs/" + runId)
          .then()
          .body("state", equalTo("failed"))
          .body("failureReason", containsString("smaller input size"));
      assertEquals(32, batchSize(runId));
    } finally {
      AgentProtocolTest.SERIAL.unlock();
    }
  }

  @Test
  void aRecipeOrDataErrorFailsAtOnceAndInfrastructureFailuresStopAtTheLimit() throws Exception {
    AgentProtocolTest.SERIAL.lock();
    try (TestAgent agent = TestAgent.connect(base, "flaky")) {
      Api.cancelQueuedRuns();
      long datasetId = Api.uploadValid("flaky");
      long broken = Api.createRun(Map.of("datasetId", datasetId));
      agent.send(new AgentMessage.ClaimRun());
      BackendMessage.RunAssignment a = agent.expect(BackendMessage.RunAssignment.class);
      agent.send(
          new AgentMessage.RunFinished(
              broken, a.nextSeq(), "FAILED", "cannot decode image 'cats/3.png'", "recipe"));
      agent.expect(BackendMessage.Ack.class);
      Api.as()
          .get("/api/runs/" + broken)
          .then()
          .body("state", equalTo("failed"))
          .body("attempts", equalTo(1))
          .body("failureReason", equalTo("cannot decode image 'cats/3.png'"));

      long flaky = Api.createRun(Map.of("datasetId", datasetId));
      for (int attempt = 1; attempt <= 3; attempt++) {
        agent.send(new AgentMessage.ClaimRun());
        BackendMessage.RunAssignment r = agent.expect(BackendMessage.RunAssignment.class);
        assertEquals(flaky, r.runId());
        assertEquals(attempt, r.attempt());
        agent.send(
            new AgentMessage.RunFinished(
                flaky, r.nextSeq(), "FAILED", "CUDA error: an illegal memory access", null));
        agent.expect(BackendMessage.Ack.class);
      }
      Api.as()
          .get("/api/runs/" + flaky)
          .then()
          .body("state", equalTo("failed"))
          .body("attempts", equalTo(3))
          .body("failureReason", containsString("gave up after 3 attempts"));
    } finally {
      AgentProtocolTest.SERIAL.unlock();
    }
  }

  @Test
  void anAgentThatRestartedGetsItsLostRunBackFromTheQueueNotASecondRun() throws Exception {
    AgentProtocolTest.SERIAL.lock();
    var enrolled = TestAgent.enroll("restarting");
    long agentId = enrolled.getLong("agentId");
    String credential = enrolled.getString("credential");
    try {
      Api.cancelQueuedRuns();
      long datasetId = Api.uploadValid("restart");
      long runId = Api.createRun(Map.of("datasetId", datasetId));
      long other = Api.createRun(Map.of("datasetId", datasetId));
      try (TestAgent before = hello(new TestAgent(base, agentId, credential))) {
        before.send(new AgentMessage.ClaimRun());
        assertEquals(runId, before.expect(BackendMessage.RunAssignment.class).runId());
      }
      // kill -9 and restart: a new connection, no run in memory, and it asks for work
      try (TestAgent after = hello(new TestAgent(base, agentId, credential))) {
        after.send(new AgentMessage.ClaimRun());
        BackendMessage.RunAssignment again = after.expect(BackendMessage.RunAssignment.class);
        assertEquals(runId, again.runId(), "the lost run, requeued, is the oldest in the queue");
        assertEquals(2, again.attempt());
        Api.as()
            .get("/api/runs/" + runId + "/attempts")
            .then()
            .body("[0].reason", containsString("restarted"));
        Api.as().get("/api/runs/" + other).then().body("state", equalTo("queued"));
        Api.as().post("/api/runs/" + runId + "/cancel").then().statusCode(200);
        Api.as().post("/api/runs/" + other + "/cancel").then().statusCode(200);
      }
    } finally {
      AgentProtocolTest.SERIAL.unlock();
    }
  }

  private static TestAgent hello(TestAgent agent) throws InterruptedException {
    agent.send(
        new AgentMessage.Hello(
            io.kiln.core.protocol.Protocol.VERSION,
            "test",
            "test-host",
            List.of(new AgentMessage.DeviceInfo("cpu()", "cpu", "2 cores"))));
    agent.expect(BackendMessage.Welcome.class);
    return agent;
  }
}
