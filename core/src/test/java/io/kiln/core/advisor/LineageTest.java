package io.kiln.core.advisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.recipe.Recipe;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Advice that reads the lineage: nothing a parent's child already tried in vain, no undoing. */
class LineageTest {
  private static final Recipe NO_DECAY =
      Recipe.defaults().with(Map.of("weightDecay", 0.0, "epochs", 6));

  /** The overfitting curve of DiagnosisTest: A1 first, with weight decay and flips. */
  private static final RunHistory OVERFITTING =
      AdvisorTest.curves(
          new double[] {0.50, 0.62, 0.70, 0.76, 0.80, 0.84},
          new double[] {0.48, 0.57, 0.60, 0.61, 0.58, 0.56},
          AdvisorTest.constant(0.05),
          true);

  private static List<Suggestion> advise(Recipe recipe, List<Tried> tried) {
    return new Advisor(Thresholds.defaults())
        .evaluate(OVERFITTING, new RunContext(recipe, Recipe.defaults(), 4800, 1200, 10, tried));
  }

  private static Suggestion a1(List<Suggestion> advice) {
    return advice.stream().filter(s -> s.ruleId().equals("A1")).findFirst().orElseThrow();
  }

  @Test
  void withoutALineageA1AddsWeightDecayAndFlips() {
    Suggestion a1 = a1(advise(NO_DECAY, List.of()));
    assertEquals(Map.of("weightDecay", 5e-4, "horizontalFlip", true), a1.patch());
    assertFalse(a1.evidence().containsKey("notRepeated"));
  }

  /** The sibling that added weight decay gained nothing: A1 now offers only the flips. */
  @Test
  void aChangeThatGainedNothingIsNotSuggestedAgain() {
    Tried decay =
        Tried.between(12, NO_DECAY, NO_DECAY.with("weightDecay", 5e-4), Lineage.NOISE / 2);
    Suggestion a1 = a1(advise(NO_DECAY, List.of(decay)));
    assertEquals(Map.of("horizontalFlip", true), a1.patch());
    assertEquals(
        List.of(Map.of("field", "weightDecay", "run", 12L, "helped", false)),
        a1.evidence().get("notRepeated"));
  }

  /** Both of A1's changes were tried in vain: A1 is withheld, the rest of the diagnosis stays. */
  @Test
  void aSuggestionWithNothingLeftToTryIsWithheld() {
    Tried both =
        Tried.between(
            12,
            NO_DECAY,
            NO_DECAY.with(Map.of("weightDecay", 5e-4, "horizontalFlip", true)),
            -0.02);
    List<String> rules = advise(NO_DECAY, List.of(both)).stream().map(Suggestion::ruleId).toList();
    assertFalse(rules.contains("A1"), rules.toString());
  }

  /** A change that helped is not undone by a later rule (here A1 lowering the rate it raised). */
  @Test
  void aChangeThatHelpedIsNotUndone() {
    Recipe parent = NO_DECAY.with("learningRate", 0.05);
    Recipe child = parent.with("learningRate", 0.1);
    Tried raised = Tried.between(7, parent, child, 0.03);
    assertEquals(raised, Lineage.blocking("learningRate", child, 0.05, List.of(raised)));
    assertEquals(raised, Lineage.blocking("learningRate", child, 0.02, List.of(raised)));
    assertEquals(null, Lineage.blocking("learningRate", child, 0.08, List.of(raised)));
    assertEquals(null, Lineage.blocking("learningRate", child, 0.2, List.of(raised)));
  }

  @ParameterizedTest(name = "tried {0} -> {1}, now {2} -> {3}: repeats {4}")
  @CsvSource({
    "0.1, 0.2, 0.1, 0.3, true", // the same way again, further
    "0.1, 0.2, 0.1, 0.15, true", // the same way, less far: still inside what was tried
    "0.1, 0.2, 0.1, 0.05, false", // the other way
    "0.1, 0.2, 0.05, 0.1, false", // up to where the tried change started: not tried
    "0.1, 0.2, 0.05, 0.08, false",
    "0.2, 0.1, 0.2, 0.05, true", // down and further down
    "0.2, 0.1, 0.2, 0.3, false"
  })
  void numbersRepeatWhenTheyMoveTheSameWayPastTheStart(
      double from, double to, double now, double value, boolean repeats) {
    assertEquals(repeats, Lineage.repeats(from, to, now, value));
  }

  @Test
  void switchesRepeatWhenTheyTakeTheSameValue() {
    assertTrue(Lineage.repeats(false, true, false, true));
    assertFalse(Lineage.repeats("cosine", "step", "cosine", "constant"));
    assertTrue(Lineage.undoes("cosine", "step", "cosine"));
    assertFalse(Lineage.undoes(null, "step", "cosine"));
  }

  /** The schedule's floor alone is no suggestion: it only follows the learning rate. */
  @Test
  void aFollowerLeftAloneIsWithheld() {
    Recipe recipe = Recipe.defaults().with(Map.of("learningRate", 0.4, "minLearningRate", 0.01));
    Suggestion halve =
        new Suggestion(
            "A7",
            List.of("T4"),
            "medium",
            io.kiln.core.i18n.Text.of("advice.A7.title"),
            io.kiln.core.i18n.Text.of("advice.A7.title"),
            Map.of(),
            Map.of("learningRate", 0.2, "minLearningRate", 0.002));
    Tried halved = Tried.between(3, recipe, recipe.with("learningRate", 0.2), 0.0);
    assertEquals(List.of(), Lineage.screen(List.of(halve), recipe, List.of(halved)));
    assertEquals(List.of(halve), Lineage.screen(List.of(halve), recipe, List.of()));
  }

  @Test
  void triedHoldsOnlyTheFieldsThatChanged() {
    Tried t =
        Tried.between(5, NO_DECAY, NO_DECAY.with(Map.of("batchSize", 256, "epochs", 9)), 0.01);
    assertEquals(Map.of("batchSize", 64, "epochs", 6), normalize(t.from()));
    assertEquals(Map.of("batchSize", 256, "epochs", 9), normalize(t.to()));
  }

  private static Map<String, Object> normalize(Map<String, Object> m) {
    return Map.copyOf(
        m.entrySet().stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    Map.Entry::getKey,
                    e -> e.getValue() instanceof Number n ? (Object) n.intValue() : e.getValue())));
  }
}
