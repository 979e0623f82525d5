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
public final class InitialWeights {
  private static final ObjectMapper JSON = new ObjectMapper();

  private InitialWeights() {}

  /**
   * The channels the starting weights take, so the images are read to fit them: 3 for pretrained
   * weights, the starting run's own for a run's model (a colour-trained run starts a gray dataset
   * with its images repeated on three channels), 1 (the images decide) for a backbone.
   */
  public static int channelsOf(Path file, Recipe recipe) throws IOException {
    if ("pretrained".equals(recipe.initialWeights())) {
      return io.kiln.core.pretrained.PretrainedCatalogue.CHANNELS;
    }
    if (!"run".equals(recipe.initialWeights())) {
      return 1;
    }
    try (ZipFile zip = new ZipFile(file.toFile())) {
      ZipEntry metaEntry = zip.getEntry(ModelArchive.META);
      if (metaEntry == null) {
        return 1;
      }
      try (InputStream in = zip.getInputStream(metaEntry)) {
        Object shape = JSON.readValue(in, Map.class).get("inputShape");
        return shape instanceof List<?> list && !list.isEmpty()
            ? ((Number) list.get(0)).intValue()
            : 1;
      }
    }
  }

  static void load(
      KilnNet net, Path archive, Recipe recipe, LabelledImages images, NDManager manager)
      throws IOException {
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      ZipEntry metaEntry = zip.getEntry(ModelArchive.META);
      ZipEntry features = zip.getEntry(ModelArchive.FEATURES);
      if (metaEntry == null || features == null) {
        throw new StartingWeightsException(
            "initialRunId",
            "the starting run's model has no separate feature weights (it was saved by an older"
                + " Kiln); pick a run trained with this version");
      }
      Map<?, ?> meta;
      try (InputStream in = zip.getInputStream(metaEntry)) {
        meta = JSON.readValue(in, Map.class);
      }
      Object architecture = ((Map<?, ?>) meta.get("recipe")).get("architecture");
      if (!recipe.architecture().equals(architecture)) {
        throw new StartingWeightsException(
            "initialRunId",
            "the starting run used architecture "
                + architecture
                + ", this recipe uses "
                + recipe.architecture());
      }
      List<?> shape = (List<?>) meta.get("inputShape");
      if (((Number) shape.get(0)).intValue() != images.channels()) {
        throw new StartingWeightsException(
            "initialRunId",
            "the starting run was trained on "
                + (((Number) shape.get(0)).intValue() == 1 ? "gray" : "colour")
                + " images and this dataset has "
                + (images.channels() == 1 ? "gray" : "colour")
                + " ones: start from a run trained on "
                + (images.channels() == 1 ? "gray" : "colour")
                + " images, or from pretrained weights");
      }
      Path tmp = Files.createTempFile("kiln-features", ".params");
      try {
        try (InputStream in = zip.getInputStream(features)) {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        try {
          Checkpoint.readParameters(
              net.features(),
              () ->
                  Architectures.build(
                          recipe.architecture(), images.classNames().size(), images.size())
                      .features(),
              manager,
              tmp);
        } catch (IOException e) {
          throw new StartingWeightsException(
              "inputSize",
              "the starting run's network was built for "
                  + shape.get(1)
                  + " px images and does not fit one for "
                  + images.size()
                  + " px (networks below 64 px start differently): use "
                  + shape.get(1)
                  + " px");
        }
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
