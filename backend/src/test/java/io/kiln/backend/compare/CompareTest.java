package io.kiln.backend.compare;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.TestAgent;
import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import io.kiln.core.protocol.MetricKind;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two finished runs compared through the API, and the comparison exported as CSV and HTML. */
@QuarkusTest
class CompareTest {
  @TestHTTPResource("/")
  URI base;

  @Test
  void twoRunsSideBySideWithTheirDifferencesResultsAndExports() throws Exception {
    long dataset = Api.uploadValid("compare");
    long first;
    long second;
    try (TestAgent agent = TestAgent.connect(base, "compare")) {
      Api.cancelQueuedRuns();
      first =
          Api.createRun(
              Map.of(
                  "datasetId", dataset, "epochs", 3, "name", "baseline <script>alert(1)</script>"));
      train(agent, first, new double[][] {{0.80, 0.70}, {0.90, 0.75}, {0.97, 0.78}}, 0.77);
      second =
          Api.createRun(
              Map.of(
                  "datasetId",
                  dataset,
                  "epochs",
                  3,
                  "weightDecay",
                  3e-4,
                  "cutmixAlpha",
                  1.0,
                  "name",
                  "=HYPERLINK(\"x\")"));
      train(agent, second, new double[][] {{0.75, 0.72}, {0.82, 0.79}, {0.84, 0.81}}, 0.80);
    }
    String ids = first + "," + second;
    JsonPath view =
        Api.as().get("/api/compare?runs=" + ids).then().statusCode(200).extract().jsonPath();
    assertEquals(
        List.of("weightDecay", "cutmixAlpha"), view.getList("comparison.differences.field"));
    assertEquals(List.of("T9"), view.getList("comparison.differences[0].trickIds"));
    assertEquals(
        "#"
            + second
            + " raised weight decay 1e-4 -> 3e-4 and added CutMix alpha 1: test accuracy +3.0"
            + " points, overfitting gap 19 -> 3 points.",
        view.getString("comparison.summary[0]"));
    assertTrue(view.getBoolean("comparison.results[1].best"));
    assertEquals(3.0, view.getDouble("comparison.results[1].testDeltaPoints"), 1e-6);

    String csv =
        Api.as()
            .get("/api/compare/export?format=csv&runs=" + ids)
            .then()
            .statusCode(200)
            .header("Content-Type", containsString("text/csv"))
            .extract()
            .asString();
    String[] lines = csv.split("\r\n");
    assertEquals(3, lines.length, csv);
    assertTrue(lines[0].startsWith("run,name,state,"), lines[0]);
    assertTrue(
        lines[2].contains(",\"'=HYPERLINK(\"\"x\"\")\","), "a formula is defused: " + lines[2]);

    String html =
        Api.as()
            .get("/api/compare/export?format=html&runs=" + ids)
            .then()
            .statusCode(200)
            .header("Content-Type", containsString("text/html"))
            .header("Content-Security-Policy", containsString("default-src 'none'"))
            .extract()
            .asString();
    assertFalse(html.contains("<script"), "no script at all, the run's name included");
    assertTrue(html.contains("baseline &lt;script&gt;alert(1)&lt;/script&gt;"));
    assertTrue(html.contains("<polyline"), "charts inline as SVG");
    assertFalse(
        html.contains("http://") || html.contains("https://"), "nothing loaded from the network");

    Api.as()
        .get("/api/compare?runs=" + first)
        .then()
        .statusCode(400)
        .body("fields[0].field", equalTo("runs"));
    Api.as().get("/api/compare?runs=1,2,3,4,5,6,7,8,9").then().statusCode(400);
    Api.as().get("/api/compare?runs=1,x").then().statusCode(400);
    Api.as().get("/api/compare/export?format=pdf&runs=" + ids).then().statusCode(400);
  }

  private static void train(TestAgent agent, long runId, double[][] epochs, double test)
      throws InterruptedException {
    agent.send(new AgentMessage.ClaimRun());
    BackendMessage.RunAssignment a = agent.expect(BackendMessage.RunAssignment.class);
    assertEquals(runId, a.runId());
    long seq = a.nextSeq();
    agent.send(new AgentMessage.RunStarted(runId, seq++, "cpu()", epochs.length, 10));
    agent.expect(BackendMessage.Ack.class);
    for (int step = 1; step <= 50; step++) {
      agent.send(
          new AgentMessage.MetricReport(
              runId,
              seq++,
              MetricKind.STEP,
              1,
              step,
              Map.of(Metric.LOSS.key(), 2.0 / step),
              System.currentTimeMillis()));
      agent.expect(BackendMessage.Ack.class);
    }
    for (int e = 0; e < epochs.length; e++) {
      agent.send(
          new AgentMessage.MetricReport(
              runId,
              seq++,
              MetricKind.EPOCH,
              e + 1,
              (e + 1) * 10L,
              Map.of(
                  Metric.TRAIN_LOSS.key(),
                  1 - epochs[e][0],
                  Metric.TRAIN_ACCURACY.key(),
                  epochs[e][0],
                  Metric.VAL_LOSS.key(),
                  1 - epochs[e][1],
                  Metric.VAL_ACCURACY.key(),
                  epochs[e][1],
                  Metric.IMAGES_PER_SECOND.key(),
                  500.0),
              System.currentTimeMillis()));
      agent.expect(BackendMessage.Ack.class);
    }
    agent.send(
        new AgentMessage.RunEvaluated(
            runId,
            seq++,
            Map.of(
                "split",
                "test",
                "accuracy",
                test,
                "testAccuracy",
                test,
                "classNames",
                List.of("cats", "dogs"),
                "perClass",
                List.of(
                    Map.of("name", "cats", "precision", test, "recall", test, "support", 5),
                    Map.of("name", "dogs", "precision", test, "recall", test, "support", 5)))));
    agent.expect(BackendMessage.Ack.class);
    agent.send(new AgentMessage.RunFinished(runId, seq++, "SUCCEEDED", null));
    agent.expect(BackendMessage.Ack.class);
  }
}
