package io.kiln.core.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventCheckTest {
  private static AgentMessage.MetricReport metric(
      String kind, int epoch, long step, Map<String, Double> values, long at) {
    return new AgentMessage.MetricReport(7, 3, kind, epoch, step, values, at);
  }

  private static String field(AgentMessage.RunEvent event) {
    return EventCheck.check(event).map(EventCheck.Problem::field).orElse("valid");
  }

  @Test
  void aWellFormedPointPassesAndAgentsMayAddTheirOwnValues() {
    assertEquals(
        "valid", field(metric("step", 1, 10, Map.of("loss", 0.5, "lr", 0.1, "myProbe", 3.0), 1)));
    assertEquals("valid", field(metric("epoch", 1, 10, Map.of("valAccuracy", 0.9, "lr", 0.1), 1)));
  }

  @Test
  void whatTheHostileAgentSentIsRefusedNamingTheField() {
    assertEquals("values", field(metric("step", 1, 1, null, 1)));
    assertEquals("kind", field(metric(null, 1, 1, Map.of(), 1)));
    assertEquals("kind", field(metric("bogus", 1, 1, Map.of(), 1)));
    assertEquals("epoch", field(metric("step", -1, 1, Map.of(), 1)));
    assertEquals("step", field(metric("step", 1, -5, Map.of(), 1)));
    assertEquals("timestampMillis", field(metric("step", 1, 1, Map.of(), -1)));
    Map<String, Double> nan = new HashMap<>();
    nan.put("lr", Double.NaN);
    assertEquals("values.lr", field(metric("step", 1, 1, nan, 1)));
    nan.put("lr", 0.1);
    nan.put("loss", Double.NaN);
    assertEquals("valid", field(metric("step", 1, 1, nan, 1)), "a diverging loss is reported (A4)");
    nan.put("myProbe", Double.POSITIVE_INFINITY);
    assertEquals("values.myProbe", field(metric("step", 1, 1, nan, 1)));
    Map<String, Double> nullValue = new HashMap<>();
    nullValue.put("loss", null);
    assertEquals("values.loss", field(metric("step", 1, 1, nullValue, 1)));
    assertEquals(
        "values.valAccuracy",
        field(metric("step", 1, 1, Map.of("valAccuracy", 0.5), 1)),
        "an epoch value on a step point");
    assertEquals("values", field(metric("step", 1, 1, Map.of("<script>", 1.0), 1)));
    Map<String, Double> many = new HashMap<>();
    for (int i = 0; i <= EventCheck.MAX_VALUES; i++) {
      many.put("v" + i, 1.0);
    }
    assertEquals("values", field(metric("step", 1, 1, many, 1)));
    assertEquals("seq", field(new AgentMessage.RunFinished(7, -1, "SUCCEEDED", null)));
    assertEquals("runId", field(new AgentMessage.RunFinished(0, 1, "SUCCEEDED", null)));
    assertEquals("outcome", field(new AgentMessage.RunFinished(7, 1, "MAYBE", null)));
    assertEquals("totalEpochs", field(new AgentMessage.RunStarted(7, 1, "cpu()", 0, 10)));
    assertEquals("evaluation", field(new AgentMessage.RunEvaluated(7, 1, null)));
    Optional<EventCheck.Problem> p = EventCheck.check(metric("bogus\u0007kind", 1, 1, Map.of(), 1));
    assertTrue(
        p.orElseThrow().message().contains("bogus?kind"), "control characters are not echoed");
  }
}
