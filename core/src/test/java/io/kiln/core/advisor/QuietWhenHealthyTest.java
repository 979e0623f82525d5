package io.kiln.core.advisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.core.recipe.Recipe;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 32's healthy run: 900 Fashion-MNIST images of 3 classes, a 90-image validation split, the
 * default recipe, 6 epochs; 97.8 % validation and 95.6 % on the test images. Before the advisor
 * knew how sure its evidence was, it said "Underfitting" (training 94.3 % below validation 97.8 %)
 * and "Unstable validation accuracy" (a mean swing of 4.5 points: 4 images of 90). The same curves
 * on a split large enough to tell still get both.
 */
class QuietWhenHealthyTest {
  static final Advisor ADVISOR = new Advisor(Thresholds.defaults());
  static final double[] TRAIN = {0.75, 0.85, 0.89, 0.91, 0.915, 0.943};
  static final double[] VAL = {0.80, 0.889, 0.933, 0.978, 0.933, 0.978};

  static RunHistory curves(double[] fit) {
    List<EpochPoint> epochs = new ArrayList<>();
    for (int i = 0; i < TRAIN.length; i++) {
      epochs.add(
          new EpochPoint(
              i + 1,
              1.1 * (1 - TRAIN[i]),
              TRAIN[i],
              1.1 * (1 - VAL[i]),
              VAL[i],
              0.05 * (1 + Math.cos(Math.PI * (i + 1) / 6)),
              fit == null ? Double.NaN : fit[i]));
    }
    return new RunHistory(epochs, List.of(1.1, 0.6, 0.4, 0.3, 0.25, 0.2), true);
  }

  static List<String> rules(RunHistory history, int validationImages) {
    return ADVISOR
        .evaluate(
            history,
            new RunContext(
                Recipe.defaults(), Recipe.defaults(), 900 - validationImages, validationImages, 3))
        .stream()
        .map(Suggestion::ruleId)
        .toList();
  }

  @Test
  void ninetyValidationImagesCannotTellThisRunFromAPerfectOne() {
    assertEquals(List.of(), rules(curves(null), 90));
  }

  @Test
  void theCleanFitMeasureAgreesWithValidation() {
    double[] fit = {0.81, 0.90, 0.94, 0.965, 0.95, 0.975};
    assertEquals(List.of(), rules(curves(fit), 90));
  }

  @Test
  void theSameCurvesOnManyImagesAreDiagnosed() {
    List<String> fired = rules(curves(null), 0);
    assertTrue(fired.containsAll(List.of("A7", "A2")), "without noise: " + fired);
    assertTrue(rules(curves(null), 2_000).contains("A7"), "on 2,000 images");
  }

  @Test
  void evidenceCarriesTheInterval() {
    var s =
        new Advisor(Thresholds.defaults())
            .evaluate(
                curves(null), new RunContext(Recipe.defaults(), Recipe.defaults(), 7_000, 2_000, 3))
            .get(0);
    assertEquals(2_000, s.evidence().get("valImages"));
    assertTrue((double) s.evidence().get("valPlusMinus") < 0.02, s.evidence().toString());
  }
}
