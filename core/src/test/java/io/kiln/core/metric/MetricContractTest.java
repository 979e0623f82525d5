package io.kiln.core.metric;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.advisor.EpochPoint;
import io.kiln.core.advisor.RunHistory;
import io.kiln.core.protocol.MetricKind;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The metric contract is defined once (Metric); the advisor's reading follows it, and the browser
 * takes it from the OpenAPI document (the backend's openapi/MetricSchemas).
 */
class MetricContractTest {
  @Test
  void keysAreUniqueAndLookedUpByName() {
    assertEquals(
        Metric.values().length, Arrays.stream(Metric.values()).map(Metric::key).distinct().count());
    assertEquals(Metric.VAL_ACCURACY, Metric.byKey("valAccuracy").orElseThrow());
    assertTrue(
        Metric.byKey("benchSentNanos").isEmpty(), "agents may send values Kiln does not define");
  }

  @Test
  void scopesSayWhichPointCarriesAValue() {
    assertTrue(Metric.LOSS.scope().in(MetricKind.STEP));
    assertFalse(Metric.LOSS.scope().in(MetricKind.EPOCH));
    assertTrue(Metric.LR.scope().in(MetricKind.EPOCH) && Metric.LR.scope().in(MetricKind.STEP));
    assertFalse(Metric.VAL_ACCURACY.scope().in(MetricKind.STEP));
  }

  @Test
  void theAdvisorReadsPointsThroughTheSameNames() {
    Map<String, Double> epoch =
        MetricValues.of()
            .put(Metric.TRAIN_LOSS, 0.5)
            .put(Metric.TRAIN_ACCURACY, 0.9)
            .put(Metric.VAL_LOSS, 0.7)
            .put(Metric.VAL_ACCURACY, 0.8)
            .put(Metric.LR, 0.01)
            .asMap();
    assertEquals(new EpochPoint(3, 0.5, 0.9, 0.7, 0.8, 0.01), EpochPoint.of(3, epoch));
    RunHistory history =
        new RunHistory.Builder()
            .add(MetricKind.STEP, 1, MetricValues.of().put(Metric.LOSS, Double.NaN).asMap())
            .add(MetricKind.EPOCH, 1, epoch)
            .build(true);
    assertEquals(1, history.epochCount());
    assertEquals(1, history.firstNonFiniteStep());
    assertTrue(Double.isNaN(EpochPoint.of(1, Map.of()).valAccuracy()), "a missing value is NaN");
  }

  @Test
  void watchedMetricsKnowTheirDirection() {
    assertTrue(io.kiln.core.training.MetricWatch.higherIsBetterFor(Metric.VAL_ACCURACY.key()));
    assertFalse(io.kiln.core.training.MetricWatch.higherIsBetterFor(Metric.VAL_LOSS.key()));
  }
}
