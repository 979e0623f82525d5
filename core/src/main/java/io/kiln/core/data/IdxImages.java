package io.kiln.core.data;

import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Gray images and labels in the gzipped IDX format of (Fashion-)MNIST, as the Debian package {@code
 * dataset-fashion-mnist} installs them.
 *
 * @param pixels one row-major array of {@code rows * cols} bytes per image
 */
public record IdxImages(int rows, int cols, byte[][] pixels, int[] labels) {
  /** The Debian package's folder. */
  public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

  public static final List<String> FASHION_CLASSES =
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

  public int count() {
    return labels.length;
  }

  /** The first {@code limit} images of the {@code train} or {@code t10k} files in {@code dir}. */
  public static IdxImages read(Path dir, String split, int limit) throws IOException {
    Path images = dir.resolve(split + "-images-idx3-ubyte.gz");
    Path labels = dir.resolve(split + "-labels-idx1-ubyte.gz");
    if (!Files.exists(images) || !Files.exists(labels)) {
      throw new IOException(
          images + " not found: install the Debian package dataset-fashion-mnist");
    }
    try (DataInputStream in =
            new DataInputStream(new GZIPInputStream(Files.newInputStream(images), 1 << 16));
        DataInputStream lab =
            new DataInputStream(new GZIPInputStream(Files.newInputStream(labels)))) {
      if (in.readInt() != 0x803 || lab.readInt() != 0x801) {
        throw new IOException(images + " is not an IDX image file");
      }
      int count = Math.min(limit, in.readInt());
      int rows = in.readInt();
      int cols = in.readInt();
      lab.readInt();
      byte[][] pixels = new byte[count][rows * cols];
      int[] y = new int[count];
      for (int i = 0; i < count; i++) {
        in.readFully(pixels[i]);
        y[i] = lab.readUnsignedByte();
      }
      return new IdxImages(rows, cols, pixels, y);
    }
  }
}
