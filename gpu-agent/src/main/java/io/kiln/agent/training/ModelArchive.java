package io.kiln.agent.training;

import ai.djl.Model;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.agent.training.net.KilnNet;
import io.kiln.agent.training.net.OnnxExport;
import io.kiln.agent.training.net.TorchvisionWeights;
import io.kiln.core.onnx.OnnxGraph;
import io.kiln.core.pretrained.StateDictWriter;
import io.kiln.core.pretrained.TorchvisionLayout;
import io.kiln.core.recipe.Recipe;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Packs a trained model as one zip: DJL's parameter file, the feature extractor's parameters on
 * their own (what a fine-tune starts from, T13), and {@code kiln-model.json}, which holds
 * everything needed to use it (class names, input shape, normalization, recipe), and {@code
 * model.onnx} when the network can be exported ({@link OnnxExport}); otherwise the metadata says
 * why not ({@code onnxUnavailable}).
 */
final class ModelArchive {
  static final String META = "kiln-model.json";
  static final String FEATURES = "features.params";
  static final String ONNX = "model.onnx";
  static final String PYTORCH = "model.pth";

  private ModelArchive() {}

  static Path write(
      Model model,
      KilnNet net,
      Path outputDir,
      Recipe recipe,
      LabelledImages images,
      Normalization norm)
      throws IOException {
    Path paramsDir = Files.createDirectories(outputDir.resolve("params"));
    model.save(paramsDir, "kiln");
    Checkpoint.writeParameters(net.features(), paramsDir.resolve(FEATURES));
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("format", "kiln-model/2");
    meta.put("engine", "PyTorch (DJL)");
    meta.put("architecture", recipe.architecture());
    meta.put("classNames", images.classNames());
    meta.put("inputShape", new int[] {images.channels(), images.size(), images.size()});
    meta.put("mean", norm.mean());
    meta.put("std", norm.std());
    meta.put("recipe", recipe.toMap());
    byte[] onnx = onnx(net, recipe, images, norm, meta);
    stateDict(net, recipe, images, paramsDir, meta);
    Path archive = outputDir.resolve("model.zip");
    try (OutputStream out = Files.newOutputStream(archive);
        ZipOutputStream zip = new ZipOutputStream(out);
        Stream<Path> files = Files.list(paramsDir)) {
      // Float weights barely compress; deflating a ResNet's 100 MB would cost seconds for nothing.
      zip.setLevel(java.util.zip.Deflater.NO_COMPRESSION);
      for (Path file : files.sorted().toList()) {
        zip.putNextEntry(new ZipEntry(file.getFileName().toString()));
        Files.copy(file, zip);
        zip.closeEntry();
      }
      if (onnx != null) {
        zip.putNextEntry(new ZipEntry(ONNX));
        zip.write(onnx);
        zip.closeEntry();
      }
      zip.putNextEntry(new ZipEntry(META));
      zip.write(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
      zip.closeEntry();
    }
    return archive;
  }

  /**
   * The weights as a torchvision state dict ({@value #PYTORCH}), for colour networks of
   * torchvision's layout (ResNets and MobileNetV2 at 64 px and more): PyTorch loads them into
   * {@code torchvision.models.<name>(num_classes=N)}, and Kiln imports them as a starting point.
   */
  private static void stateDict(
      KilnNet net, Recipe recipe, LabelledImages images, Path dir, Map<String, Object> meta)
      throws IOException {
    if (!TorchvisionLayout.ARCHITECTURES.contains(recipe.architecture())
        || images.channels() != 3
        || images.size() < TorchvisionLayout.MIN_SIZE) {
      return;
    }
    StateDictWriter.write(
        dir.resolve(PYTORCH), TorchvisionWeights.export(net, recipe.architecture()));
    meta.put("pytorch", Map.of("file", PYTORCH, "layout", "torchvision"));
  }

  /** The ONNX export, described in {@code meta}; null (with the reason in meta) when impossible. */
  private static byte[] onnx(
      KilnNet net,
      Recipe recipe,
      LabelledImages images,
      Normalization norm,
      Map<String, Object> meta) {
    if ("backbone".equals(recipe.architecture())) {
      meta.put(
          "onnxUnavailable",
          "the network fine-tunes an uploaded TorchScript backbone, whose layers Kiln cannot"
              + " translate to ONNX");
      return null;
    }
    try {
      byte[] bytes =
          OnnxExport.of(
              net,
              images.channels(),
              images.size(),
              images.classNames().size(),
              norm.mean(),
              norm.std(),
              Map.of(
                  "kiln.classNames",
                  String.join("\n", images.classNames()),
                  "kiln.architecture",
                  recipe.architecture()),
              "Kiln image classifier ("
                  + recipe.architecture()
                  + "): input 'image' float32 [batch, channels, size, size], pixels in [0, 1];"
                  + " outputs 'logits' and 'probabilities' [batch, classes]");
      Map<String, Object> described = new LinkedHashMap<>();
      described.put("file", ONNX);
      described.put("opset", OnnxGraph.OPSET);
      described.put("input", OnnxExport.INPUT);
      described.put("outputs", java.util.List.of(OnnxExport.LOGITS, OnnxExport.PROBABILITIES));
      meta.put("onnx", described);
      return bytes;
    } catch (OnnxExport.NotExportableException e) {
      meta.put("onnxUnavailable", e.getMessage());
      return null;
    }
  }
}
