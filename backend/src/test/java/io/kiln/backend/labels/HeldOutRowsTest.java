package io.kiln.backend.labels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.kiln.core.labels.Prediction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A fold's reported rows are read as predictions, and a malformed one is refused, not guessed. */
class HeldOutRowsTest {
  @Test
  void aRowIsImageGivenAndClassProbabilityPairs() {
    Prediction p = LabelCheckSettle.prediction(List.of("train/a/1.png", 1, 0, 0.7, 1, 0.2), 2);
    assertEquals(1, p.given());
    assertEquals(0.2, p.selfConfidence(), 1e-9);
    assertEquals(0, p.predicted());
  }

  @Test
  void malformedRowsAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> LabelCheckSettle.prediction(List.of("x", 0, 5, 0.9, 0, 0.1), 2),
        "class 5 of 2");
    assertThrows(
        IllegalArgumentException.class,
        () -> LabelCheckSettle.prediction(List.of("x", 0, 0), 2),
        "no probability");
    assertThrows(
        RuntimeException.class,
        () -> LabelCheckSettle.prediction(List.of(7, 0, 0, 0.9), 2),
        "no image id");
    assertThrows(
        IllegalArgumentException.class,
        () -> LabelCheckSettle.prediction(List.of("x", 1, 0, 0.9), 2),
        "the given class is not listed");
  }
}
