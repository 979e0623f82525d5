package io.kiln.backend.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.TestAgent;
import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.MetricKind;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A buggy or hostile agent: every invalid event gets an EventRejected naming the field and nothing
 * is stored, so the run's data can always be exported; a message far over the old 64 KiB frame
 * limit (an evaluation of 300 classes) goes through.
 */
@QuarkusTest
class HostileAgentTest {
  @TestHTTPResource("/")
  URI base;

  @Test
  void invalidEventsAreRefusedNamingTheFieldAndNothingIsStored() throws Exception {
    try (TestAgent agent = TestAgent.connect(base, "hostile")) {
      AgentProtocolTest.SERIAL.lock();
      try {
        Api.cancelQueuedRuns();
        long runId = Api.createRun(Map.of("datasetId", Api.uploadValid("hostile"), "epochs", 2));
        agent.send(new AgentMessage.ClaimRun());
        BackendMessage.RunAssignment a = agent.expect(BackendMessage.RunAssignment.class);
        assertEquals(runId, a.runId());
        long seq = a.nextSeq();
        agent.send(new AgentMessage.RunStarted(runId, seq++, "cpu()", 2, 10));
        agent.expect(BackendMessage.Ack.class);

        List<AgentMessage> hostile = new ArrayList<>();
        hostile.add(new AgentMessage.MetricReport(runId, seq++, MetricKind.STEP, 1, 1, null, 1));
        hostile.add(new AgentMessage.MetricReport(runId, seq++, "made-up", 1, 1, Map.of(), 1));
        hostile.add(new AgentMessage.MetricReport(runId, seq++, null, 1, 1, Map.of(), 1));
        hostile.add(
            new AgentMessage.MetricReport(runId, seq++, MetricKind.STEP, -1, 1, Map.of(), 1));
        hostile.add(
            new AgentMessage.MetricReport(runId, seq++, MetricKind.STEP, 1, -1, Map.of(), 1));
        hostile.add(
            new AgentMessage.MetricReport(runId, seq++, MetricKind.STEP, 1, 1, Map.of(), -1));
        Map<String, Double> nullValue = new HashMap<>();
        nullValue.put(Metric.VAL_ACCURACY.key(), null);
        hostile.add(
            new AgentMessage.MetricReport(runId, seq++, MetricKind.EPOCH, 1, 10, nullValue, 1));
        List<String> fields =
            List.of(
                "values", "kind", "kind", "epoch", "step", "timestampMillis", "values.valAccuracy");
        for (int i = 0; i < hostile.size(); i++) {
          agent.send(hostile.get(i));
          BackendMessage.EventRejected r = agent.expect(BackendMessage.EventRejected.class);
          assertEquals(fields.get(i), r.field(), r.reason());
          assertEquals(runId, r.runId());
        }
        agent.send(
            new AgentMessage.MetricReport(
                runId, seq++, MetricKind.STEP, 1, 1, Map.of(Metric.LOSS.key(), 2.0), 1));
        agent.expect(BackendMessage.Ack.class);

        Api.as()
            .get("/api/runs/" + runId + "/metrics")
            .then()
            .statusCode(200)
            .body("size()", org.hamcrest.Matchers.equalTo(1));
        String csv =
            Api.as()
                .get("/api/runs/" + runId + "/metrics/export?format=csv")
                .then()
                .statusCode(200)
                .extract()
                .asString();
        assertEquals(2, csv.split("\n").length, csv);

        // An evaluation of 600 classes with the whole matrix (an older agent): 360,000 cells, about
        // 730 KB of JSON, over both of Vert.x's defaults (64 KiB a frame, 256 KiB a message).
        int classes = 600;
        List<String> names = new ArrayList<>();
        long[][] confusion = new long[classes][classes];
        for (int i = 0; i < classes; i++) {
          names.add("class-" + i);
          confusion[i][i] = 10;
        }
        Map<String, Object> evaluation =
            Map.of("split", "val", "accuracy", 1.0, "classNames", names, "confusion", confusion);
        agent.send(new AgentMessage.RunEvaluated(runId, seq++, evaluation));
        agent.expect(BackendMessage.Ack.class);
        Api.as()
            .get("/api/runs/" + runId)
            .then()
            .statusCode(200)
            .body("evaluation.classNames.size()", org.hamcrest.Matchers.equalTo(classes));

        // What a real agent sends past 100 classes: the most confused pairs, not the matrix.
        Map<String, Object> sparse =
            Map.of(
                "split",
                "val",
                "accuracy",
                0.9,
                "classNames",
                names,
                "confusedPairs",
                List.of(Map.of("actual", 3, "predicted", 7, "count", 12)));
        agent.send(new AgentMessage.RunEvaluated(runId, seq++, sparse));
        agent.expect(BackendMessage.Ack.class);
        Api.as()
            .get("/api/runs/" + runId)
            .then()
            .body("evaluation.confusedPairs[0].count", org.hamcrest.Matchers.equalTo(12))
            .body("evaluation.confusion", org.hamcrest.Matchers.nullValue());
        Api.as().post("/api/runs/" + runId + "/cancel").then().statusCode(200);
      } finally {
        AgentProtocolTest.SERIAL.unlock();
      }
    }
  }
}
