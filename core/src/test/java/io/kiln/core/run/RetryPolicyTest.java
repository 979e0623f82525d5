package io.kiln.core.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.run.RetryPolicy.Action;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final Map<String, Object> RECIPE =
      Map.of("batchSize", 256, "learningRate", 0.1, "lrScaling", "none");

  @Test
  void infrastructureFailuresRequeueUntilTheLimit() {
    RetryPolicy.Decision first =
        RetryPolicy.decide(FailureClass.INFRASTRUCTURE, "agent 3 stopped", 1, 3, false, RECIPE);
    assertEquals(Action.REQUEUE, first.action());
    assertNull(first.recipe());
    assertTrue(first.explanation().contains("attempt 2 of 3"), first.explanation());
    RetryPolicy.Decision last =
        RetryPolicy.decide(FailureClass.INFRASTRUCTURE, "agent 3 stopped", 3, 3, false, RECIPE);
    assertEquals(Action.FAIL, last.action());
    assertTrue(last.explanation().contains("gave up after 3 attempts"), last.explanation());
  }

  @Test
  void outOfMemoryHalvesTheBatchAndTheRateOnceByT8() {
    RetryPolicy.Decision d =
        RetryPolicy.decide(FailureClass.OUT_OF_MEMORY, "Java heap space", 1, 3, false, RECIPE);
    assertEquals(Action.RETRY_SMALLER, d.action());
    assertEquals(128, d.recipe().get("batchSize"));
    assertEquals(0.05, (Double) d.recipe().get("learningRate"), 1e-12);
    assertTrue(d.explanation().contains("T8"), d.explanation());
    // a second out-of-memory failure fails with advice instead of looping
    RetryPolicy.Decision again =
        RetryPolicy.decide(FailureClass.OUT_OF_MEMORY, "Java heap space", 2, 3, true, d.recipe());
    assertEquals(Action.FAIL, again.action());
    assertTrue(again.explanation().contains("smaller input size"), again.explanation());
  }

  @Test
  void withLinearScalingTheQuotedRateStaysAndTheEffectiveRateFollowsTheBatch() {
    Map<String, Object> linear =
        Map.of("batchSize", 64, "learningRate", 0.1, "lrScaling", "linear");
    RetryPolicy.Decision d =
        RetryPolicy.decide(FailureClass.OUT_OF_MEMORY, "oom", 1, 3, false, linear);
    assertEquals(32, d.recipe().get("batchSize"));
    assertEquals(0.1, (Double) d.recipe().get("learningRate"), 1e-12);
  }

  @Test
  void theOutOfMemoryRetryIsNotLimitedByTheAttemptCountButATinyBatchFails() {
    assertEquals(
        Action.FAIL,
        RetryPolicy.decide(FailureClass.OUT_OF_MEMORY, "oom", 1, 3, false, Map.of("batchSize", 3))
            .action());
  }

  @Test
  void recipeErrorsFailAtOnce() {
    RetryPolicy.Decision d =
        RetryPolicy.decide(FailureClass.RECIPE, "image cat/3.jpg is corrupt", 1, 3, false, RECIPE);
    assertEquals(Action.FAIL, d.action());
    assertEquals("image cat/3.jpg is corrupt", d.explanation());
  }

  @Test
  void wireNamesRoundTrip() {
    for (FailureClass c : FailureClass.values()) {
      assertEquals(c, FailureClass.fromWire(c.wireName()).orElseThrow());
    }
    assertTrue(FailureClass.fromWire("gremlins").isEmpty());
  }
}
