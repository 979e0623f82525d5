package io.kiln.core.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.recipe.Recipe;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ComparisonTest {
  private static ComparedRun run(
      long id, Map<String, Object> changes, Double test, Double gap, Map<String, Double> recall) {
    Map<String, Object> recipe = new LinkedHashMap<>(Recipe.defaults().toMap());
    recipe.putAll(changes);
    return new ComparedRun(
        id, "run " + id, "succeeded", null, null, recipe, test, test, 60.0, 1000.0, gap, recall);
  }

  @Test
  void onlyFieldsThatDifferAreListedWithTheirExplanationAndTricks() {
    Comparison c =
        Comparison.of(
            List.of(
                run(3, Map.of("epochs", 10), 0.90, 0.09, Map.of()),
                run(
                    12,
                    Map.of("epochs", 10.0, "weightDecay", 3e-4, "cutmixAlpha", 1.0),
                    0.918,
                    0.03,
                    Map.of())));
    // 10 and 10.0 are the same value: epochs is not a difference.
    assertEquals(
        List.of("weightDecay", "cutmixAlpha"),
        c.differences().stream().map(Comparison.Difference::field).toList());
    Comparison.Difference decay = c.differences().get(0);
    assertEquals(List.of("T9"), decay.trickIds());
    assertTrue(decay.help().contains("overfitting"), decay.help());
    assertEquals(List.of(1e-4, 3e-4), decay.values());
  }

  @Test
  void theSummarySaysWhatChangedAndWhatItDid() {
    Comparison c =
        Comparison.of(
            List.of(
                run(3, Map.of(), 0.90, 0.09, Map.of()),
                run(12, Map.of("weightDecay", 3e-4, "cutmixAlpha", 1.0), 0.918, 0.03, Map.of())));
    assertEquals(
        "#12 raised weight decay 1e-4 -> 3e-4 and added CutMix alpha 1: test accuracy +1.8 points,"
            + " overfitting gap 9 -> 3 points.",
        c.summary().get(0));
    assertEquals("Best: #12 (test accuracy 91.8%).", c.summary().get(1));
    assertTrue(c.results().get(1).best());
    assertFalse(c.results().get(0).best());
    assertNull(c.results().get(0).testDeltaPoints());
    assertEquals(1.8, c.results().get(1).testDeltaPoints(), 1e-9);
    // The same comparison for a reader of Chinese: sentences and field names from the bundle.
    Comparison zh =
        Comparison.of(
            List.of(
                run(3, Map.of(), 0.90, 0.09, Map.of()),
                run(12, Map.of("weightDecay", 3e-4, "cutmixAlpha", 1.0), 0.918, 0.03, Map.of())),
            io.kiln.core.i18n.Messages.SIMPLIFIED_CHINESE);
    assertEquals(
        "#12 把 权重衰减 从 1e-4 提高到 3e-4，并加入了 CutMix alpha 1：测试准确率 +1.8 个百分点，过拟合差距 9 -> 3 个百分点。",
        zh.summary().get(0));
    assertEquals("最好：#12（测试准确率 91.8%）。", zh.summary().get(1));
    assertEquals("权重衰减", zh.differences().get(0).label());
  }

  @Test
  void recallDeltasAreAgainstTheFirstRunInPoints() {
    Comparison c =
        Comparison.of(
            List.of(
                run(1, Map.of(), 0.8, null, Map.of("cat", 0.70, "dog", 0.90)),
                run(2, Map.of("learningRate", 0.05), 0.85, null, Map.of("cat", 0.80, "dog", 0.85)),
                run(3, Map.of("learningRate", 0.2), null, null, null)));
    Comparison.Recall cat =
        c.recall().stream().filter(r -> r.className().equals("cat")).findFirst().orElseThrow();
    Comparison.Recall dog =
        c.recall().stream().filter(r -> r.className().equals("dog")).findFirst().orElseThrow();
    assertEquals(10.0, cat.deltaPoints().get(1), 1e-9);
    assertNull(cat.deltaPoints().get(2));
    assertEquals(-5.0, dog.deltaPoints().get(1), 1e-9);
    assertTrue(c.summary().get(1).endsWith("(no results yet)."), c.summary().get(1));
  }

  @Test
  void exactlyOneRunIsBestWhenResultsTie() {
    ComparedRun a = run(1, Map.of(), 0.9, null, null);
    ComparedRun b = run(2, Map.of("learningRate", 0.2), 0.9, null, null);
    Comparison c = Comparison.of(List.of(a, b));
    assertEquals(1, c.results().stream().filter(Comparison.Result::best).count());
    assertTrue(c.results().get(0).best(), "the earlier of two equal runs");
  }

  @Test
  void twoToEightRuns() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Comparison.of(List.of(run(1, Map.of(), null, null, null))));
  }
}
