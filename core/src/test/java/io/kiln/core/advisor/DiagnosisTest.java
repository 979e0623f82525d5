package io.kiln.core.advisor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiln.core.i18n.Text;
import io.kiln.core.recipe.Recipe;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One diagnosis per run, in order of cause (issue 15). */
class DiagnosisTest {

  static Stream<Arguments> table() {
    return Stream.of(
        // fired (in any order) -> shown, the one to try first at the head
        Arguments.of("A2 A6 A4", "A4"),
        Arguments.of("A7 A5 A1 A4", "A4"),
        Arguments.of("A7 A3 A5", "A3"),
        Arguments.of("A8 A3", "A3 A8"),
        Arguments.of("A2 A1", "A1"),
        Arguments.of("A6 A1 A8", "A8 A1 A6"),
        Arguments.of("A1 A7", "A7 A1"),
        Arguments.of("A5 A7 A9", "A9 A7 A5"),
        Arguments.of("A6 A2 A5", "A2 A5 A6"),
        Arguments.of("", ""));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("table")
  void suppressesConsequencesAndRanksByCause(String fired, String shown) {
    List<Suggestion> suggestions = new ArrayList<>();
    for (String id : words(fired)) {
      suggestions.add(
          new Suggestion(
              id,
              List.of(),
              "low",
              Text.of("advice." + id + ".title"),
              Text.of("advice." + id + ".title"),
              Map.of(),
              Map.of("epochs", 1L)));
    }
    assertEquals(words(shown), Diagnosis.of(suggestions).stream().map(Suggestion::ruleId).toList());
  }

  /** The case: a run that blew up got A4 and, beside it, "underfitting: train longer". */
  @Test
  void aDivergedCurveYieldsA4Alone() {
    List<EpochPoint> epochs =
        List.of(
            new EpochPoint(1, 2.0, 0.30, 2.1, 0.32, 0.5),
            new EpochPoint(2, 1.8, 0.40, 1.9, 0.41, 0.5),
            new EpochPoint(3, 1.6, 0.48, 1.7, 0.50, 0.5),
            new EpochPoint(4, 1.5, 0.52, 1.6, 0.55, 0.5));
    RunHistory history =
        new RunHistory(epochs, List.of(2.3, 2.0, 1.8, Double.NaN, Double.NaN), true);
    Recipe recipe = Recipe.defaults().with(Map.of("learningRate", 0.5, "epochs", 4));
    List<Suggestion> shown =
        new Advisor(Thresholds.defaults())
            .evaluate(history, new RunContext(recipe, Recipe.defaults(), 4800, 1200, 10));
    assertEquals(List.of("A4"), shown.stream().map(Suggestion::ruleId).toList());
  }

  /** An overfitting run never gets underfitting advice beside it. */
  @Test
  void anOverfittingCurveGetsNoUnderfittingAdvice() {
    RunHistory history =
        AdvisorTest.curves(
            new double[] {0.50, 0.62, 0.70, 0.76, 0.80, 0.84},
            new double[] {0.48, 0.57, 0.60, 0.61, 0.58, 0.56},
            AdvisorTest.constant(0.05),
            true);
    List<String> shown =
        new Advisor(Thresholds.defaults())
            .evaluate(history, AdvisorTest.context(Recipe.defaults())).stream()
                .map(Suggestion::ruleId)
                .toList();
    assertEquals("A1", shown.get(0), shown.toString());
    assertEquals(false, shown.contains("A2"), shown.toString());
  }

  private static List<String> words(String s) {
    return s.isBlank() ? List.of() : Arrays.asList(s.trim().split(" +"));
  }
}
