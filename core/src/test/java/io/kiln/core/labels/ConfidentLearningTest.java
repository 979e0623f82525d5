package io.kiln.core.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfidentLearningTest {
  /**
   * A model that is right 85 % of the time on its own, with 5 % of the labels flipped: the flipped
   * images are predicted as their true class and should be found; the model's own honest mistakes
   * on correctly filed images sit near the decision boundary and mostly should not.
   */
  @Test
  void findsFlippedLabelsAndFewHonestMistakes() {
    Random random = new Random(7);
    int classes = 4;
    List<Prediction> predictions = new ArrayList<>();
    Set<Integer> flipped = new HashSet<>();
    for (int i = 0; i < 2000; i++) {
      int truth = i % classes;
      int given = truth;
      if (random.nextDouble() < 0.05) {
        given = (truth + 1 + random.nextInt(classes - 1)) % classes;
        flipped.add(i);
      }
      float[] softmax = new float[classes];
      boolean hard = random.nextDouble() < 0.15;
      int favoured = hard ? (truth + 1) % classes : truth;
      double top = hard ? 0.45 + 0.1 * random.nextDouble() : 0.6 + 0.35 * random.nextDouble();
      double rest = 1 - top;
      for (int c = 0; c < classes; c++) {
        softmax[c] = (float) (c == favoured ? top : c == truth ? rest * 0.8 : rest * 0.2 / 2);
      }
      predictions.add(Prediction.of(given, softmax, 3));
    }
    ConfidentLearning.Result result = ConfidentLearning.find(predictions, classes);
    long found = result.issues().stream().filter(x -> flipped.contains(x.index())).count();
    double precision = found / (double) result.issues().size();
    double recall = found / (double) flipped.size();
    assertTrue(precision >= 0.8, "precision " + precision);
    assertTrue(recall >= 0.8, "recall " + recall);
    long rightSuggestion =
        result.issues().stream()
            .filter(x -> flipped.contains(x.index()) && x.suggested() == x.index() % classes)
            .count();
    assertTrue(
        rightSuggestion >= 0.85 * found, rightSuggestion + " of " + found + " suggest truth");
    // Sure ones first, each part ranked least self-confident first.
    for (int i = 1; i < result.issues().size(); i++) {
      ConfidentLearning.Issue a = result.issues().get(i - 1);
      ConfidentLearning.Issue b = result.issues().get(i);
      assertTrue(
          a.sure() && !b.sure()
              || a.sure() == b.sure() && a.selfConfidence() <= b.selfConfidence());
    }
    assertTrue(
        Math.abs(result.estimatedErrors() - flipped.size()) < flipped.size(),
        "estimate " + result.estimatedErrors() + " vs " + flipped.size());
  }

  /**
   * A photo nothing like its folder is sure; one that keeps some of its class's probability is not.
   */
  @Test
  void sureWhenTheGivenClassIsAllButRuledOut() {
    List<Prediction> predictions = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      predictions.add(
          Prediction.of(
              i % 2, i % 2 == 0 ? new float[] {0.9f, 0.1f} : new float[] {0.1f, 0.9f}, 2));
    }
    predictions.add(Prediction.of(0, new float[] {0.01f, 0.99f}, 2));
    predictions.add(Prediction.of(0, new float[] {0.2f, 0.95f}, 2));
    ConfidentLearning.Result result = ConfidentLearning.find(predictions, 2);
    assertEquals(2, result.issues().size());
    assertEquals(200, result.issues().get(0).index());
    assertTrue(result.issues().get(0).sure(), "0.01 is under a twentieth of class 0's bar");
    assertTrue(!result.issues().get(1).sure(), "0.2 is not");
  }

  @Test
  void cleanConfidentDataHasNoIssues() {
    List<Prediction> predictions = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      float[] softmax = {0.05f, 0.05f, 0.05f};
      softmax[i % 3] = 0.9f;
      predictions.add(Prediction.of(i % 3, softmax, 3));
    }
    assertEquals(List.of(), ConfidentLearning.find(predictions, 3).issues());
  }

  @Test
  void aPredictionThatAgreesWithItsLabelIsNeverFlagged() {
    List<Prediction> predictions = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      predictions.add(Prediction.of(0, new float[] {0.99f, 0.01f}, 2));
      predictions.add(Prediction.of(1, new float[] {0.01f, 0.99f}, 2));
    }
    // Filed under 0 and most probable 0, though below its (high) bar: never an issue, and as it
    // keeps more than half of the bar, a hard image rather than one that fits no class.
    predictions.add(Prediction.of(0, new float[] {0.55f, 0.45f}, 2));
    // Filed under 1, most probable 0 at 0.4: under half of any bar, it fits no class.
    predictions.add(Prediction.of(1, new float[] {0.4f, 0.3f, 0.3f}, 3));
    ConfidentLearning.Result result = ConfidentLearning.find(predictions, 3);
    assertEquals(List.of(), result.issues());
    assertEquals(1, result.outliers().size());
    assertEquals(201, result.outliers().get(0).index());
  }

  @Test
  void classesBeyondTheListedOnesCountAsZero() {
    Prediction p = Prediction.of(4, new float[] {0.5f, 0.3f, 0.1f, 0.06f, 0.04f}, 2);
    assertEquals(3, p.classes().length, "top two plus the given class");
    assertEquals(0.04, p.selfConfidence(), 1e-6);
    assertEquals(0.0, p.probability(2));
    assertEquals(0, p.predicted());
    assertEquals(0, p.bestOther());
  }

  @Test
  void thresholdsAreMeanSelfConfidence() {
    List<Prediction> predictions =
        List.of(
            Prediction.of(0, new float[] {0.9f, 0.1f}, 2),
            Prediction.of(0, new float[] {0.5f, 0.5f}, 2),
            Prediction.of(1, new float[] {0.4f, 0.6f}, 2));
    double[] t = ConfidentLearning.thresholds(predictions, 3);
    assertEquals(0.7, t[0], 1e-6);
    assertEquals(0.6, t[1], 1e-6);
    assertTrue(Double.isNaN(t[2]), "no image of class 2");
  }
}
