package io.kiln.e2e;

import io.kiln.core.data.IdxImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Turns the first images of the Debian package dataset-fashion-mnist into a folder-per-class PNG
 * zip.
 */
final class FashionMnist {
  static final List<String> CLASSES = IdxImages.FASHION_CLASSES;

  private FashionMnist() {}

  /** The {@code index}-th training image of Fashion-MNIST as a PNG. */
  static byte[] png(int index) throws IOException {
    IdxImages idx = IdxImages.read(IdxImages.FASHION_MNIST, "train", index + 1);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    ImageIO.write(gray(idx, index), "png", out);
    return out.toByteArray();
  }

  /** A folder-per-class zip of the first {@code perClass} training images of every class. */
  static Path writeZip(Path target, int perClass) throws IOException {
    // The classes are shuffled in the file: 30 a class on average reaches any class's perClass.
    IdxImages idx =
        IdxImages.read(IdxImages.FASHION_MNIST, "train", Math.min(60_000, perClass * 30 + 200));
    Map<Integer, Integer> counts = new HashMap<>();
    try (OutputStream out = Files.newOutputStream(target);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (int i = 0; i < idx.count(); i++) {
        int label = idx.labels()[i];
        int seen = counts.getOrDefault(label, 0);
        if (seen >= perClass) {
          continue;
        }
        counts.put(label, seen + 1);
        zip.putNextEntry(new ZipEntry(CLASSES.get(label) + "/" + i + ".png"));
        ImageIO.write(gray(idx, i), "png", zip);
        zip.closeEntry();
      }
    }
    return target;
  }

  /** Image {@code i} of {@code idx} as a gray picture. */
  static BufferedImage gray(IdxImages idx, int i) {
    BufferedImage image = new BufferedImage(idx.cols(), idx.rows(), BufferedImage.TYPE_BYTE_GRAY);
    image.getRaster().setDataElements(0, 0, idx.cols(), idx.rows(), idx.pixels()[i]);
    return image;
  }

  /**
   * A copy of {@code source} with what real folders contain: a note that is not an image, a PNG cut
   * off while copying, and an exact copy of an image in the same class.
   */
  static Path withProblems(Path source, Path target) throws IOException {
    try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(source.toFile());
        OutputStream out = Files.newOutputStream(target);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      byte[] coat = null;
      for (ZipEntry entry : java.util.Collections.list(in.entries())) {
        byte[] bytes = in.getInputStream(entry).readAllBytes();
        if (coat == null && entry.getName().startsWith("coat/")) {
          coat = bytes;
        }
        zip.putNextEntry(new ZipEntry(entry.getName()));
        zip.write(bytes);
        zip.closeEntry();
      }
      zip.putNextEntry(new ZipEntry("sneaker/notes.txt"));
      zip.write("photographed on Monday".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("bag/cut.png"));
      zip.write(java.util.Arrays.copyOf(coat, coat.length / 2));
      zip.closeEntry();
      zip.putNextEntry(new ZipEntry("coat/copy.png"));
      zip.write(coat);
      zip.closeEntry();
    }
    return target;
  }
}
