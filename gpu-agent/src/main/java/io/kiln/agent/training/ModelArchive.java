package io.kiln.agent.training;

import ai.djl.Model;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.agent.training.net.KilnNet;
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
 * everything needed to use it (class names, input shape, normalization, recipe).
 */
final class ModelArchive {
  static final String META = "kiln-model.json";
  static final String FEATURES = "features.params";

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
      zip.putNextEntry(new ZipEntry(META));
      zip.write(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
      zip.closeEntry();
    }
    return archive;
  }
}
