package io.kiln.core.model;

import io.kiln.core.recipe.RecipeField;
import io.kiln.core.recipe.RecipeFields;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * {@code MODEL.md}, the card that travels with a downloaded model: what it recognizes, the data and
 * recipe it came from (with the trick IDs of docs/training-tricks.md), how well it does per class,
 * what to feed it and how to run it. Plain text: readable in any editor and on any code host.
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
   * @param onnxUnavailable why the model has no ONNX export, or null when it has one
   * @param startingWeights where training started, in a sentence (T13)
   * @param pytorchFile the torchvision state dict in the download ({@code model.pth}), or null
   * @param splitImages images per split ("train", "val", "test") of the dataset version's own
   *     split; empty when the recipe's validation share made the split
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
      String trainedAt,
      String onnxUnavailable,
      String startingWeights,
      String pytorchFile,
      Map<String, Integer> splitImages) {}

  /** torchvision's function for a Kiln architecture (resnet-18 is {@code resnet18}). */
  static String torchvisionName(String architecture) {
    return architecture.replace("-v2", "_v2").replace("-", "");
  }

  /**
   * A name people gave (a run, a dataset, a class folder, imported weights) as literal Markdown
   * text: its punctuation escaped so it cannot become a link, an image, HTML, a heading or a table
   * cell of its own, and line breaks as spaces. Only what Markdown reads mid-line is escaped, so
   * the file stays readable as plain text.
   */
  static String text(String name) {
    return name == null
        ? ""
        : name.replaceAll("[\\r\\n]+", " ").replaceAll("[\\\\`*_\\[\\]<>|#]", "\\\\$0");
  }

  public static String markdown(Facts f) {
    StringBuilder md = new StringBuilder();
    md.append("# ")
        .append(text(f.runName()))
        .append(" (Kiln run ")
        .append(f.runId())
        .append(")\n\n");
    md.append("An image classifier for ")
        .append(f.classNames().size())
        .append(" classes: ")
        .append(String.join(", ", f.classNames().stream().map(ModelCard::text).toList()))
        .append(".\n\n");

    md.append("## Data\n\n");
    md.append("- Dataset: ")
        .append(text(f.datasetName()))
        .append(", version ")
        .append(f.datasetVersion())
        .append('\n');
    if (!f.splitImages().isEmpty()) {
      md.append("- Split: ")
          .append(f.splitImages().getOrDefault("train", 0))
          .append(" images to train on, ")
          .append(f.splitImages().getOrDefault("val", 0))
          .append(" to validate, ")
          .append(f.splitImages().getOrDefault("test", 0))
          .append(" to test (the dataset version's own split, T16)\n");
    }
    md.append("- Trained: ").append(f.trainedAt() == null ? "unknown" : f.trainedAt()).append('\n');
    md.append("- Started from: ")
        .append(
            f.startingWeights() == null
                ? "random weights (from scratch)"
                : text(f.startingWeights()))
        .append('\n');
    md.append("- Image size: ")
        .append(f.size())
        .append(" x ")
        .append(f.size())
        .append(" pixels, ")
        .append(f.channels() == 1 ? "gray" : "colour (R, G, B)")
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
            .append(text(c.name()))
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
    md.append("5. Lay it out as a float32 tensor of shape (N, ")
        .append(f.channels())
        .append(", ")
        .append(f.size())
        .append(", ")
        .append(f.size())
        .append("): batch, channel, height, width.\n");
    md.append(
            f.onnxUnavailable() == null
                ? "6. For the DJL parameters only (`model.onnx` does this itself): per channel,"
                : "6. Per channel,")
        .append(" subtract the mean ")
        .append(numbers(f.mean()))
        .append(" and divide by the standard deviation ")
        .append(numbers(f.std()))
        .append(" (T12).\n\n");
    md.append(
        "The output is one logit per class, in the order of `classNames` in `kiln-model.json`"
            + " (and above); softmax turns them into probabilities.\n\n");

    md.append("## Recipe\n\n");
    md.append("Architecture: ").append(f.architecture()).append(".\n\n");
    md.append("| setting | value | tricks |\n|---|---|---|\n");
    for (RecipeField field : RecipeFields.ALL) {
      if (!f.recipe().containsKey(field.name())
          || (field.name().equals("validationFraction") && !f.splitImages().isEmpty())) {
        // The dataset's own split was used, not the recipe's share (see Data).
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
    if (f.onnxUnavailable() == null) {
      md.append("- `model.onnx`: the same network as ONNX (opset ")
          .append(ONNX_OPSET)
          .append("), for ONNX Runtime, TensorRT, OpenVINO and the like. Input `image`: float32")
          .append(" (N, ")
          .append(f.channels())
          .append(", ")
          .append(f.size())
          .append(", ")
          .append(f.size())
          .append(") with pixels in [0, 1], preprocessed by steps 1-5 (the normalization is")
          .append(" inside the model). Outputs `logits` and `probabilities` (softmax), both (N, ")
          .append(f.classNames().size())
          .append(").\n");
    }
    if (f.pytorchFile() != null) {
      md.append("- `")
          .append(f.pytorchFile())
          .append("`: the same weights as a PyTorch state dict in torchvision's layout: `model =")
          .append(" torchvision.models.")
          .append(torchvisionName(f.architecture()))
          .append("(num_classes=")
          .append(f.classNames().size())
          .append("); model.load_state_dict(torch.load(\"")
          .append(f.pytorchFile())
          .append(
              "\"))`, then normalize as in step 6. Kiln's Pretrained weights page imports it as")
          .append(" a starting point for other datasets (T13).\n");
    }
    md.append(
        "- `kiln-model.json`: class names, input shape, normalization and the full recipe.\n\n");

    md.append("## Run it\n\n");
    if (f.onnxUnavailable() == null) {
      onnxSnippets(md, f);
    } else {
      md.append("There is no ONNX export of this model: ")
          .append(f.onnxUnavailable())
          .append(". What works instead: the DJL parameters below; or train one of Kiln's own")
          .append(" networks (small CNN, MobileNet, ResNet-18/34/50) on the same data, which is")
          .append(" exported to ONNX and answers predictions in Kiln.\n\n");
    }
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
    return md.toString();
  }

  /** The ONNX opset of Kiln's export (the agent's {@code OnnxGraph.OPSET}). */
  static final int ONNX_OPSET = io.kiln.core.onnx.OnnxGraph.OPSET;

  private static void onnxSnippets(StringBuilder md, Facts f) {
    String shape = f.channels() + ", " + f.size() + ", " + f.size();
    String mode = f.channels() == 1 ? "L" : "RGB";
    md.append("Python with onnxruntime (`pip install onnxruntime pillow numpy`):\n\n```python\n")
        .append("import numpy as np, onnxruntime as ort\n")
        .append("from PIL import Image, ImageOps\n\n")
        .append("classes = ")
        .append(pythonList(f.classNames()))
        .append("\n")
        .append("session = ort.InferenceSession(\"model.onnx\")\n")
        .append("image = ImageOps.exif_transpose(Image.open(\"photo.jpg\")).convert(\"")
        .append(mode)
        .append("\")\n")
        .append("image = image.resize((")
        .append(f.size())
        .append(", ")
        .append(f.size())
        .append("), Image.BILINEAR)\n")
        .append("x = np.asarray(image, dtype=np.float32) / 255.0\n")
        .append(
            f.channels() == 1
                ? "x = x[np.newaxis, np.newaxis, :, :]  # (1, 1, H, W)\n"
                : "x = x.transpose(2, 0, 1)[np.newaxis]  # (1, 3, H, W)\n")
        .append("probabilities = session.run([\"probabilities\"], {\"image\": x})[0][0]\n")
        .append("print(classes[int(probabilities.argmax())], float(probabilities.max()))\n")
        .append("```\n\n");
    md.append("Java with ONNX Runtime (`com.microsoft.onnxruntime:onnxruntime`):\n\n```java\n")
        .append("OrtEnvironment env = OrtEnvironment.getEnvironment();\n")
        .append("try (OrtSession session = env.createSession(\"model.onnx\");\n")
        .append("    OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels),")
        .append(" new long[] {1, ")
        .append(shape)
        .append("}); // steps 1-5\n")
        .append("    OrtSession.Result out = session.run(Map.of(\"image\", x))) {\n")
        .append("  float[] p = ((float[][]) out.get(\"probabilities\").get().getValue())[0];\n")
        .append("}\n```\n\n");
  }

  private static String pythonList(List<String> names) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < names.size(); i++) {
      String quoted = names.get(i).replace("\\", "\\\\").replace("\"", "\\\"");
      out.append(i == 0 ? "" : ", ").append('"').append(quoted).append('"');
    }
    return out.append(']').toString();
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
