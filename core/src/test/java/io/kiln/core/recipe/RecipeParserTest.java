package io.kiln.core.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RecipeParserTest {
  private final RecipeParser parser = new RecipeParser(Set.of("datasetId"));

  @Test
  void emptyInputGivesTheDefaults() {
    Recipe recipe = parser.parse(Map.of("datasetId", 7));
    assertEquals(Recipe.defaults(), recipe);
    assertTrue(recipe.validate().isEmpty());
  }

  @Test
  void defaultsFollowTheDocumentedTricks() {
    Recipe d = Recipe.defaults();
    assertEquals("sgd", d.optimizer(), "T1: SGD with momentum for accuracy");
    assertEquals(0.9, d.momentum(), "T1/T2: momentum 0.9");
    assertEquals("cosine", d.schedule(), "T4: cosine decay");
  }

  @Test
  void givenFieldsOverrideDefaults() {
    Recipe recipe = parser.parse(Map.of("optimizer", "Adam", "learningRate", 0.001, "epochs", 3));
    assertEquals("adam", recipe.optimizer());
    assertEquals(0.001, recipe.learningRate());
    assertEquals(3, recipe.epochs());
    assertEquals(Recipe.defaults().batchSize(), recipe.batchSize());
  }

  @ParameterizedTest
  @CsvSource({
    "learningRate, -0.1, learningRate",
    "learningRate, 0, learningRate",
    "batchSize, 0, batchSize",
    "epochs, 0, epochs",
    "momentum, 1.0, momentum",
    "weightDecay, -1, weightDecay",
    "validationFraction, 1.0, validationFraction",
    "inputSize, 4, inputSize"
  })
  void outOfRangeNumbersNameTheirField(String field, double value, String expectedField) {
    RecipeException e =
        assertThrows(RecipeException.class, () -> parser.parse(Map.of(field, value)));
    assertEquals(List.of(expectedField), e.errors().stream().map(FieldError::field).toList());
  }

  @Test
  void seedsUpToTheirCataloguedMaximumAreAcceptedHoweverWritten() {
    assertEquals(9_000_000_000_000_000L, parser.parse(Map.of("seed", 9.0e15)).seed());
    assertEquals(
        9_000_000_000_000_000L, parser.parse(Map.of("seed", 9_000_000_000_000_000L)).seed());
    for (Object tooLarge :
        List.<Object>of(
            9_007_199_254_740_992L, 1e19, java.math.BigInteger.TEN.pow(30), Long.MAX_VALUE)) {
      RecipeException e =
          assertThrows(RecipeException.class, () -> parser.parse(Map.of("seed", tooLarge)));
      assertEquals("recipe.outOfRange", e.errors().get(0).text().key(), tooLarge.toString());
    }
    RecipeException fraction =
        assertThrows(RecipeException.class, () -> parser.parse(Map.of("seed", 1.5)));
    assertEquals("recipe.notWhole", fraction.errors().get(0).text().key());
  }

  @Test
  void unknownOptimizerIsRejectedWithTheChoices() {
    RecipeException e =
        assertThrows(RecipeException.class, () -> parser.parse(Map.of("optimizer", "lion")));
    assertEquals("optimizer", e.errors().get(0).field());
    assertTrue(
        e.getMessage().contains("lion")
            && e.getMessage().contains("[sgd, adam, adamw, rmsprop, nadam]"),
        e.getMessage());
  }

  @Test
  void wrongTypesAndUnknownKeysAreAllReportedTogether() {
    Map<String, Object> input = new HashMap<>();
    input.put("batchSize", "big");
    input.put("epochs", 2.5);
    input.put("learningrate", 0.1);
    input.put("schedule", 3);
    RecipeException e = assertThrows(RecipeException.class, () -> parser.parse(input));
    assertEquals(
        Set.of("batchSize", "epochs", "learningrate", "schedule"),
        Set.copyOf(e.errors().stream().map(FieldError::field).toList()));
  }

  @Test
  void nanIsNotAValidLearningRate() {
    RecipeException e =
        assertThrows(RecipeException.class, () -> parser.parse(Map.of("learningRate", Double.NaN)));
    assertEquals("learningRate", e.errors().get(0).field());
  }

  @Test
  void roundTripsThroughItsMap() {
    Recipe r =
        Recipe.defaults()
            .with(
                Map.of(
                    "optimizer",
                    "adam",
                    "learningRate",
                    0.002,
                    "schedule",
                    "constant",
                    "batchSize",
                    16,
                    "epochs",
                    2,
                    "milestones",
                    List.of(1),
                    "cutmixAlpha",
                    1.0,
                    "seed",
                    9));
    assertEquals(r, parser.parse(r.toMap()));
  }
}
