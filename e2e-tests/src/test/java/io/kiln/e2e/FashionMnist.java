package io.kiln.e2e;

import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Turns the first images of the Debian package dataset-fashion-mnist into a folder-per-class PNG
 * zip.
 */
final class FashionMnist {
  static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");
  static final List<String> CLASSES =
      List.of(
          "t-shirt",
          "trouser",
          "pullover",
          "dress",
          "coat",
          "sandal",
          "shirt",
          "sneaker",
          "bag",
          "ankle-boot");

  private FashionMnist() {}

  /** The {@code index}-th training image of Fashion-MNIST as a PNG. */
  static byte[] png(int index) throws IOException {
    try (DataInputStream images = idx(DIR.resolve("train-images-idx3-ubyte.gz"), 16)) {
      byte[] pixels = new byte[28 * 28];
      for (int i = 0; i <= index; i++) {
        images.readFully(pixels);
      }
      BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
      image.getRaster().setDataElements(0, 0, 28, 28, pixels);
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    }
  }

  static Path writeZip(Path target, int perClass) throws IOException {
    if (!Files.exists(DIR.resolve("train-images-idx3-ubyte.gz"))) {
      throw new IllegalStateException(
          "install the Debian package dataset-fashion-mnist (.ci/run does)");
    }
    Map<Integer, Integer> counts = new HashMap<>();
    try (DataInputStream images = idx(DIR.resolve("train-images-idx3-ubyte.gz"), 16);
        DataInputStream labels = idx(DIR.resolve("train-labels-idx1-ubyte.gz"), 8);
        OutputStream out = Files.newOutputStream(target);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      byte[] pixels = new byte[28 * 28];
      int total = 0;
      for (int i = 0; i < 60_000 && total < perClass * CLASSES.size(); i++) {
        images.readFully(pixels);
        int label = labels.readUnsignedByte();
        int seen = counts.getOrDefault(label, 0);
        if (seen >= perClass) {
          continue;
        }
        counts.put(label, seen + 1);
        total++;
        BufferedImage image = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
        image.getRaster().setDataElements(0, 0, 28, 28, pixels);
        zip.putNextEntry(new ZipEntry(CLASSES.get(label) + "/" + i + ".png"));
        ImageIO.write(image, "png", zip);
        zip.closeEntry();
      }
    }
    return target;
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

  private static DataInputStream idx(Path file, int header) throws IOException {
    InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16);
    DataInputStream data = new DataInputStream(in);
    data.skipNBytes(header);
    return data;
  }
}
