package io.kiln.agent.training;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.agent.training.net.Architectures;
import io.kiln.agent.training.net.KilnNet;
import io.kiln.core.recipe.Recipe;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Starts a network from a finished run's model archive (T13): the feature extractor's weights are
 * loaded, the old classifier is not (its shape is tied to the old classes), so the new head starts
 * from random weights.
 */
final class InitialWeights {
  private static final ObjectMapper JSON = new ObjectMapper();

  private InitialWeights() {}

  static void load(
      KilnNet net, Path archive, Recipe recipe, LabelledImages images, NDManager manager)
      throws IOException {
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      ZipEntry metaEntry = zip.getEntry(ModelArchive.META);
      ZipEntry features = zip.getEntry(ModelArchive.FEATURES);
      if (metaEntry == null || features == null) {
        throw new IOException(
            "the starting run's model has no separate feature weights (it was saved by an older"
                + " Kiln); pick a run trained with this version");
      }
      Map<?, ?> meta;
      try (InputStream in = zip.getInputStream(metaEntry)) {
        meta = JSON.readValue(in, Map.class);
      }
      Object architecture = ((Map<?, ?>) meta.get("recipe")).get("architecture");
      if (!recipe.architecture().equals(architecture)) {
        throw new IOException(
            "the starting run used architecture "
                + architecture
                + ", this recipe uses "
                + recipe.architecture());
      }
      List<?> shape = (List<?>) meta.get("inputShape");
      if (((Number) shape.get(0)).intValue() != images.channels()) {
        throw new IOException(
            "the starting run was trained on "
                + shape.get(0)
                + "-channel images, this dataset has "
                + images.channels());
      }
      Path tmp = Files.createTempFile("kiln-features", ".params");
      try {
        try (InputStream in = zip.getInputStream(features)) {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Checkpoint.readParameters(
            net.features(),
            () ->
                Architectures.build(
                        recipe.architecture(), images.classNames().size(), images.size())
                    .features(),
            manager,
            tmp);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
