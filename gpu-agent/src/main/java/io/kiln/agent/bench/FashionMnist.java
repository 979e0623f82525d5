package io.kiln.agent.bench;

import io.kiln.agent.training.LabelledImages;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reads Fashion-MNIST from the Debian package's IDX files straight into memory, for the benchmarks. */
public final class FashionMnist {
  static final Path DIR = Path.of("/usr/share/datasets/fashion-mnist");
  public static final List<String> CLASSES = List.of("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt",
      "sneaker", "bag", "ankle-boot");

  private FashionMnist() {}

  /** The first {@code limit} images of the "train" or "t10k" split. */
  public static LabelledImages load(String split, int limit) throws IOException {
    Path images = DIR.resolve(split + "-images-idx3-ubyte.gz");
    Path labels = DIR.resolve(split + "-labels-idx1-ubyte.gz");
    if (!Files.exists(images)) {
      throw new IOException(images + " not found: install the Debian package dataset-fashion-mnist");
    }
    try (DataInputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(images), 1 << 16));
        DataInputStream lab = new DataInputStream(new GZIPInputStream(Files.newInputStream(labels)))) {
      in.readInt();
      int count = Math.min(limit, in.readInt());
      int rows = in.readInt();
      int cols = in.readInt();
      lab.readInt();
      lab.readInt();
      float[][] pixels = new float[count][rows * cols];
      int[] y = new int[count];
      List<String> ids = new ArrayList<>(count);
      byte[] buffer = new byte[rows * cols];
      for (int i = 0; i < count; i++) {
        in.readFully(buffer);
        for (int p = 0; p < buffer.length; p++) {
          pixels[i][p] = (buffer[p] & 0xff) / 255f;
        }
        y[i] = lab.readUnsignedByte();
        ids.add(CLASSES.get(y[i]) + "/" + split + "-" + i);
      }
      return new LabelledImages(CLASSES, 1, rows, ids, pixels, y);
    }
  }
}
