package io.kiln.backend.dataset;

import io.kiln.backend.auth.Caller;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.DataDirectory;
import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.common.Localizable;
import io.kiln.backend.dataset.archive.FashionMnistZip;
import io.kiln.backend.dataset.archive.SplitOptions;
import io.kiln.core.i18n.Text;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The one-click sample: Fashion-MNIST from the Debian package {@code dataset-fashion-mnist},
 * imported through the same validation as any upload (its own test split is kept; validation is
 * carved from train).
 */
@ApplicationScoped
public class SampleDatasets {
  /** Sizes on offer: training images and test images. */
  static final Map<String, int[]> SIZES =
      Map.of("small", new int[] {2000, 500}, "full", new int[] {60000, 10000});

  private final DatasetService datasets;
  private final DataDirectory dirs;
  private final Path source;

  SampleDatasets(DatasetService datasets, DataDirectory dirs, KilnConfig config) {
    this.datasets = datasets;
    this.dirs = dirs;
    this.source = Path.of(config.datasets().fashionMnistDir());
  }

  /** Whether the sample is installed here, what it is, and the sizes on offer (images in all). */
  public record Availability(
      boolean available, String name, String description, Map<String, Integer> sizes)
      implements Localizable<Availability> {
    @Override
    public Availability in(Locale locale) {
      return new Availability(
          available, name, Text.of("sample.fashion-mnist.description").in(locale), sizes);
    }
  }

  /** The size to import: {@code small} (2,500 images, the default) or {@code full} (70,000). */
  public record SampleRequest(String size) {}

  public Availability availability() {
    return new Availability(
        available(),
        "Fashion-MNIST",
        Text.of("sample.fashion-mnist.description").english(),
        Map.of(
            "small",
            SIZES.get("small")[0] + SIZES.get("small")[1],
            "full",
            SIZES.get("full")[0] + SIZES.get("full")[1]));
  }

  public DatasetView importSample(String size, Caller caller) {
    int[] counts = SIZES.get(size == null ? "small" : size);
    if (counts == null) {
      throw ApiException.badRequest(
          "size must be 'small' (2,500 images) or 'full' (70,000 images)");
    }
    if (!available()) {
      throw new ApiException(
          409,
          "the sample is not installed on this server: install the Debian package"
              + " dataset-fashion-mnist (apt-get install dataset-fashion-mnist)");
    }
    Path zip = dirs.uploads().resolve("sample-" + UUID.randomUUID() + ".zip");
    try {
      int images = FashionMnistZip.write(source, counts[0], counts[1], zip);
      String name = "Fashion-MNIST sample (" + String.format("%,d", images) + " images)";
      return datasets.create(
          new DatasetService.Target(name, null),
          zip,
          new SplitOptions("archive", 10, 10, 42),
          caller);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      DatasetService.deleteQuietly(zip);
    }
  }

  private boolean available() {
    return Files.isReadable(source.resolve("train-images-idx3-ubyte.gz"))
        && Files.isReadable(source.resolve("t10k-labels-idx1-ubyte.gz"));
  }
}
