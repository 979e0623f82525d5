package io.kiln.core.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelCardTest {
  @Test
  void theCardSaysWhatTheModelIsHowGoodAndHowToFeedIt() {
    Map<String, Object> recipe = new LinkedHashMap<>();
    recipe.put("architecture", "small-cnn");
    recipe.put("learningRate", 0.1);
    recipe.put("labelSmoothing", 0.1);
    String md =
        ModelCard.markdown(
            new ModelCard.Facts(
                7,
                "fashion baseline",
                "Fashion-MNIST sample",
                2,
                List.of("bag", "coat"),
                "small-cnn",
                recipe,
                0.91,
                0.885,
                "test",
                List.of(
                    new ModelCard.ClassScore("bag", 0.95, 0.9, 50),
                    new ModelCard.ClassScore("coat", null, 0.0, 50)),
                1,
                28,
                List.of(0.2861),
                List.of(0.353),
                "2026-11-30T00:00:00Z"));
    assertTrue(md.startsWith("# fashion baseline (Kiln run 7)"), md);
    assertTrue(md.contains("2 classes: bag, coat"), md);
    assertTrue(md.contains("Fashion-MNIST sample, version 2"), md);
    assertTrue(md.contains("88.5% (scored once"), md);
    assertTrue(md.contains("| bag | 95.0% | 90.0% | 50 |"), md);
    assertTrue(md.contains("| coat | n/a | 0.0% | 50 |"), md);
    assertTrue(md.contains("Resize to 28 x 28"), md);
    assertTrue(md.contains("grayscale"), md);
    assertTrue(md.contains("subtract the mean (0.2861)"), md);
    assertTrue(md.contains("shape (1, 1, 28, 28)"), md);
    assertTrue(md.contains("(changed) | 0.1 | T2, T8"), md);
    assertTrue(md.contains("Architectures.build(\"small-cnn\", 2, 28)"), md);
  }
}
