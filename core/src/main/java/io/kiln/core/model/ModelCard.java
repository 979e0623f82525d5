package io.kiln.core.model;

import io.kiln.core.recipe.RecipeField;
import io.kiln.core.recipe.RecipeFields;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code MODEL.md}, the card that travels with a downloaded model: what it recognizes, the data and
 * recipe it came from (with the trick IDs of TRAINING-TRICKS.md), how well it does per class, what
 * to feed it and how to run it. Plain text: readable in any editor and on any code host.
 */
public final class ModelCard {
  private ModelCard() {}

  /** One class's scores on the evaluated split (null where undefined). */
  public record ClassScore(String name, Double precision, Double recall, long support) {}

  /**
   * What the card says.
   *
   * @param evaluatedSplit "test" or "validation": where {@code perClass} was measured
   * @param channels 1 (grayscale) or 3 (RGB)
   */
  public record Facts(
      long runId,
      String runName,
      String datasetName,
      int datasetVersion,
      List<String> classNames,
      String architecture,
      Map<String, Object> recipe,
      Double bestValAccuracy,
      Double testAccuracy,
      String evaluatedSplit,
      List<ClassScore> perClass,
      int channels,
      int size,
      List<Double> mean,
      List<Double> std,
      String trainedAt) {}

  public static String markdown(Facts f) {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(f.runName()).append(" (Kiln run ").append(f.runId()).append(")\n\n");
    md.append("An image classifier for ")
        .append(f.classNames().size())
        .append(" classes: ")
        .append(String.join(", ", f.classNames()))
        .append(".\n\n");

    md.append("## Data\n\n");
    md.append("- Dataset: ")
        .append(f.datasetName())
        .append(", version ")
        .append(f.datasetVersion())
        .append('\n');
    md.append("- Trained: ")
        .append(f.trainedAt() == null ? "unknown" : f.trainedAt())
        .append("\n\n");

    md.append("## How well it does\n\n");
    md.append("- Best validation accuracy: ").append(percent(f.bestValAccuracy())).append('\n');
    md.append("- Accuracy on the held-out test split: ")
        .append(
            f.testAccuracy() == null
                ? "not measured (the dataset has no test split)"
                : percent(f.testAccuracy())
                    + " (scored once, on images never used to train or choose the model, T16)")
        .append("\n\n");
    if (f.perClass() != null && !f.perClass().isEmpty()) {
      md.append("Per class, on the ").append(f.evaluatedSplit()).append(" split:\n\n");
      md.append("| class | precision | recall | images |\n|---|---|---|---|\n");
      for (ClassScore c : f.perClass()) {
        md.append("| ")
            .append(c.name())
            .append(" | ")
            .append(percent(c.precision()))
            .append(" | ")
            .append(percent(c.recall()))
            .append(" | ")
            .append(c.support())
            .append(" |\n");
      }
      md.append('\n');
    }

    md.append("## Intended use\n\n");
    md.append(
        "Sorting images like those of the dataset into its classes. Every image gets one of the"
            + " classes above, even one that belongs to none: the model cannot say \"none of these\"."
            + " Its accuracy holds for images like the training data (same kind of camera, framing"
            + " and subjects); check it on your own images before relying on it.\n\n");

    md.append("## Preprocessing (do exactly this)\n\n");
    md.append("1. Turn the image upright as its EXIF orientation says.\n");
    md.append("2. Resize to ")
        .append(f.size())
        .append(" x ")
        .append(f.size())
        .append(" pixels (bilinear, no crop, aspect ratio not kept).\n");
    md.append(
        f.channels() == 1
            ? "3. Convert to grayscale: 0.299 R + 0.587 G + 0.114 B.\n"
            : "3. Keep the three colour channels, in the order R, G, B.\n");
    md.append("4. Scale pixel values to [0, 1] (divide by 255).\n");
    md.append("5. Per channel, subtract the mean ")
        .append(numbers(f.mean()))
        .append(" and divide by the standard deviation ")
        .append(numbers(f.std()))
        .append(" (T12).\n");
    md.append("6. Lay it out as a float tensor of shape (1, ")
        .append(f.channels())
        .append(", ")
        .append(f.size())
        .append(", ")
        .append(f.size())
        .append("): batch, channel, height, width.\n\n");
    md.append(
        "The output is one logit per class, in the order of `classNames` in `kiln-model.json`;"
            + " softmax turns them into probabilities.\n\n");

    md.append("## Recipe\n\n");
    md.append("Architecture: ").append(f.architecture()).append(".\n\n");
    md.append("| setting | value | tricks |\n|---|---|---|\n");
    for (RecipeField field : RecipeFields.ALL) {
      if (!f.recipe().containsKey(field.name())) {
        continue;
      }
      Object value = f.recipe().get(field.name());
      md.append("| ")
          .append(field.label())
          .append(Objects.equals(value, field.defaultValue()) ? "" : " (changed)")
          .append(" | ")
          .append(value)
          .append(" | ")
          .append(String.join(", ", field.trickIds()))
          .append(" |\n");
    }
    md.append('\n');

    md.append("## Files\n\n");
    md.append("- `kiln-0000.params`: the whole network's parameters (DJL, PyTorch engine).\n");
    md.append(
        "- `features.params`: the feature extractor alone, to start another fine-tune from (T13).\n");
    md.append(
        "- `kiln-model.json`: class names, input shape, normalization and the full recipe.\n\n");

    md.append("## Run it\n\n");
    md.append(
        "Java with DJL (`ai.djl:api` and `ai.djl.pytorch:pytorch-engine`), building the same"
            + " network class as Kiln's agent (`Architectures.build(\""
            + f.architecture()
            + "\", "
            + f.classNames().size()
            + ", "
            + f.size()
            + ")` in `gpu-agent`):\n\n");
    md.append("```java\n");
    md.append("Model model = Model.newInstance(\"kiln\");\n");
    md.append(
        "model.setBlock(Architectures.build(\""
            + f.architecture()
            + "\", "
            + f.classNames().size()
            + ", "
            + f.size()
            + "));\n");
    md.append("model.load(Paths.get(\"unzipped-model-folder\"), \"kiln\");\n");
    md.append("try (NDManager nd = NDManager.newBaseManager()) {\n");
    md.append(
        "  NDArray x = nd.create(pixels, new Shape(1, "
            + f.channels()
            + ", "
            + f.size()
            + ", "
            + f.size()
            + ")); // preprocessed as above\n");
    md.append(
        "  NDArray p = model.getBlock().forward(new ParameterStore(nd, false), new NDList(x),"
            + " false).singletonOrThrow().softmax(1);\n");
    md.append("}\n```\n\n");
    md.append(
        "ONNX export (for onnxruntime in Python, Java and elsewhere) is not produced yet; until it"
            + " is, the model runs where DJL's PyTorch engine runs.\n");
    return md.toString();
  }

  private static String percent(Double value) {
    return value == null || value.isNaN()
        ? "n/a"
        : String.format(Locale.ROOT, "%.1f%%", value * 100);
  }

  private static String numbers(List<Double> values) {
    if (values == null || values.isEmpty()) {
      return "(none)";
    }
    StringBuilder out = new StringBuilder("(");
    for (int i = 0; i < values.size(); i++) {
      out.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", values.get(i)));
    }
    return out.append(')').toString();
  }
}
