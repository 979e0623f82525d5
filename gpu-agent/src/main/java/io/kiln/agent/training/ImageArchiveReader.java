package io.kiln.agent.training;

import io.kiln.core.data.DecodeBudget;
import io.kiln.core.data.ImagePixels;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads a dataset archive of the backend's canonical form into memory (photos turned upright as
 * their EXIF orientation asks): {@code split/class/file} with a {@value #MANIFEST} manifest (each
 * image keeps its split), or the older {@code class/file}, resizing every image to the recipe's
 * input size (T17: every input has the model's shape).
 *
 * <p>Grayscale datasets stay single-channel; any colour image makes the whole dataset RGB, and so
 * does a network that takes colour (pretrained weights, T13): gray images repeat on all three.
 */
public final class ImageArchiveReader {
  static final String MANIFEST = "kiln-dataset.json";
  private static final List<String> SPLITS = List.of("train", "val", "test");

  private ImageArchiveReader() {}

  public static LabelledImages read(Path zip, List<String> classNames, int size)
      throws IOException {
    return read(zip, classNames, size, 0, 1, () -> false);
  }

  /**
   * Decodes every image, checking {@code cancelled} between images. With a {@code batchSize} (above
   * 0) it first checks that the images and the batches fit in memory ({@link MemoryBudget}).
   *
   * @param minChannels 3 when the network takes colour whatever the images are, else 1
   * @throws MemoryBudget.TooBigException when they cannot fit
   * @throws DatasetException when the archive holds something that cannot be trained on
   * @throws TrainingCancelledException when cancelled
   */
  public static LabelledImages read(
      Path zip,
      List<String> classNames,
      int size,
      int batchSize,
      int minChannels,
      BooleanSupplier cancelled)
      throws IOException {
    List<BufferedImage> images = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    List<Integer> splits = new ArrayList<>();
    boolean splitLayout;
    boolean color = false;
    try (ZipFile file = new ZipFile(zip.toFile())) {
      splitLayout = file.getEntry(MANIFEST) != null;
      List<? extends ZipEntry> entries =
          Collections.list((Enumeration<? extends ZipEntry>) file.entries());
      if (batchSize > 0) {
        // Before decoding: even single-channel, do the images and batches fit?
        long count = entries.stream().filter(e -> !e.isDirectory()).count();
        MemoryBudget.check(count, minChannels, size, batchSize, MemoryBudget.available());
      }
      for (ZipEntry entry : entries) {
        if (entry.isDirectory() || entry.getName().equals(MANIFEST)) {
          continue;
        }
        if (cancelled.getAsBoolean()) {
          throw new TrainingCancelledException();
        }
        String name = entry.getName();
        String[] parts = name.split("/", splitLayout ? 3 : 2);
        int split = splitLayout ? SPLITS.indexOf(parts[0]) : -1;
        int label =
            parts.length < (splitLayout ? 3 : 2)
                ? -1
                : classNames.indexOf(parts[splitLayout ? 1 : 0]);
        if (label < 0 || (splitLayout && split < 0)) {
          throw new DatasetException(
              "archive entry '" + name + "' is not inside a known class folder");
        }
        try (InputStream in = file.getInputStream(entry)) {
          byte[] bytes = in.readAllBytes();
          BufferedImage image;
          try {
            // Upright as a photo viewer shows it (EXIF orientation), as the dataset's gallery does,
            // and read subsampled for the size as the backend reads a photo to predict.
            image =
                ImagePixels.read(
                        bytes,
                        ImagePixels.MAX_PIXELS,
                        size,
                        DecodeBudget.unlimited(),
                        Duration.ZERO)
                    .image();
          } catch (ImagePixels.UndecodableException e) {
            throw new DatasetException("cannot decode image '" + name + "': " + e.getMessage());
          }
          // Resized at once: a full-size photo is not kept a moment longer than needed.
          color |= ImagePixels.isColor(image);
          images.add(ImagePixels.resize(image, size));
          labels.add(label);
          ids.add(name);
          splits.add(split);
        }
      }
    }
    if (images.isEmpty()) {
      throw new DatasetException("the dataset archive holds no images");
    }
    int channels = Math.max(color ? 3 : 1, minChannels);
    float[][] pixels = new float[images.size()][];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = ImagePixels.toChw(images.get(i), channels);
      images.set(i, null);
    }
    return new LabelledImages(
        List.copyOf(classNames),
        channels,
        size,
        List.copyOf(ids),
        pixels,
        labels.stream().mapToInt(Integer::intValue).toArray(),
        splitLayout ? splits.stream().mapToInt(Integer::intValue).toArray() : null);
  }
}
