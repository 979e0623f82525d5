package io.kiln.core.model;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelCardTest {
  @Test
  void theCardSaysWhatTheModelIsHowGoodAndHowToFeedIt() {
    String md = ModelCard.markdown(facts(null));
    assertTrue(md.startsWith("# fashion baseline (Kiln run 7)"), md);
    assertTrue(md.contains("2 classes: bag, coat"), md);
    assertTrue(md.contains("Fashion-MNIST sample, version 2"), md);
    assertTrue(md.contains("88.5% (scored once"), md);
    assertTrue(md.contains("| bag | 95.0% | 90.0% | 50 |"), md);
    assertTrue(md.contains("| coat | n/a | 0.0% | 50 |"), md);
    assertTrue(md.contains("Resize to 28 x 28"), md);
    assertTrue(md.contains("grayscale"), md);
    assertTrue(md.contains("subtract the mean (0.2861)"), md);
    assertTrue(md.contains("shape (N, 1, 28, 28)"), md);
    assertTrue(md.contains("(changed) | 0.1 | T2, T8"), md);
    assertTrue(md.contains("Architectures.build(\"small-cnn\", 2, 28)"), md);
  }

  @Test
  void anExportedModelGetsOnnxRuntimeSnippetsForPythonAndJava() {
    String md = ModelCard.markdown(facts(null));
    assertTrue(md.contains("`model.onnx`: the same network as ONNX (opset 17)"), md);
    assertTrue(md.contains("Outputs `logits` and `probabilities` (softmax), both (N, 2)"), md);
    assertTrue(md.contains("classes = [\"bag\", \"coat\"]"), md);
    assertTrue(md.contains(".convert(\"L\")"), md);
    assertTrue(md.contains("x = x[np.newaxis, np.newaxis, :, :]"), md);
    assertTrue(md.contains("new long[] {1, 1, 28, 28}"), md);
  }

  @Test
  void aModelWithoutExportSaysWhyAndWhatWorksInstead() {
    String md = ModelCard.markdown(facts("it fine-tunes an uploaded TorchScript backbone"));
    assertFalse(md.contains("model.onnx"), md);
    assertTrue(
        md.contains(
            "There is no ONNX export of this model: it fine-tunes an uploaded TorchScript"
                + " backbone. What works instead: the DJL parameters below"),
        md);
  }

  @Test
  void namesPeopleGaveStayTextAndCannotBecomeLinksHtmlOrTableCells() {
    ModelCard.Facts f = facts(null);
    String md =
        ModelCard.markdown(
            new ModelCard.Facts(
                f.runId(),
                "# [click](http://evil.example) <img src=x onerror=alert(1)>",
                "pets | *bold*",
                f.datasetVersion(),
                List.of("a|b", "c_d"),
                f.architecture(),
                f.recipe(),
                f.bestValAccuracy(),
                f.testAccuracy(),
                f.evaluatedSplit(),
                List.of(
                    new ModelCard.ClassScore("a|b", 0.5, 0.5, 1),
                    new ModelCard.ClassScore("c_d", 0.5, 0.5, 1)),
                f.channels(),
                f.size(),
                f.mean(),
                f.std(),
                f.trainedAt(),
                null,
                "weights `x`\nline",
                null,
                f.splitImages()));
    assertTrue(
        md.startsWith(
            "# \\# \\[click\\](http://evil.example) \\<img src=x onerror=alert(1)\\> (Kiln run 7)"),
        md);
    assertTrue(md.contains("- Dataset: pets \\| \\*bold\\*, version 2"), md);
    assertTrue(md.contains("2 classes: a\\|b, c\\_d."), md);
    assertTrue(md.contains("| a\\|b | 50.0% | 50.0% | 1 |"), md);
    assertTrue(md.contains("- Started from: weights \\`x\\` line\n"), md);
    assertTrue(md.contains("classes = [\"a|b\", \"c_d\"]"), md);
  }

  private static ModelCard.Facts facts(String onnxUnavailable) {
    Map<String, Object> recipe = new LinkedHashMap<>();
    recipe.put("architecture", "small-cnn");
    recipe.put("learningRate", 0.1);
    recipe.put("labelSmoothing", 0.1);
    recipe.put("validationFraction", 0.2);
    return new ModelCard.Facts(
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
        "2026-11-30T00:00:00Z",
        onnxUnavailable,
        null,
        null,
        Map.of());
  }

  @Test
  void aPretrainedRunSaysWhichWeightsAndSizeAndOffersItsStateDict() {
    ModelCard.Facts f = facts(null);
    String md =
        ModelCard.markdown(
            new ModelCard.Facts(
                f.runId(),
                f.runName(),
                f.datasetName(),
                f.datasetVersion(),
                f.classNames(),
                "resnet-18",
                f.recipe(),
                f.bestValAccuracy(),
                f.testAccuracy(),
                f.evaluatedSplit(),
                f.perClass(),
                3,
                112,
                List.of(0.485, 0.456, 0.406),
                List.of(0.229, 0.224, 0.225),
                f.trainedAt(),
                null,
                "ResNet-18, ImageNet (resnet-18-imagenet)",
                "model.pth",
                Map.of("train", 80, "val", 10, "test", 10)));
    assertTrue(md.contains("- Started from: ResNet-18, ImageNet (resnet-18-imagenet)\n"), md);
    // The dataset's own split, not the recipe's unused validation share (issue 31).
    assertTrue(md.contains("- Split: 80 images to train on, 10 to validate, 10 to test"), md);
    assertFalse(md.contains("Validation share"), md);
    assertTrue(md.contains("- Image size: 112 x 112 pixels, colour (R, G, B)\n"), md);
    assertTrue(
        md.contains(
            "model = torchvision.models.resnet18(num_classes=2);"
                + " model.load_state_dict(torch.load(\"model.pth\"))"),
        md);
    assertTrue(facts(null).toString().length() > 0);
    assertTrue(ModelCard.markdown(facts(null)).contains("- Started from: random weights"));
  }
}
