package io.kiln.agent.bench;

import io.kiln.agent.training.LabelledImages;
import io.kiln.core.data.IdxImages;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Fashion-MNIST from the Debian package's IDX files straight into memory, for the benchmarks.
 */
public final class FashionMnist {
  public static final List<String> CLASSES = IdxImages.FASHION_CLASSES;

  private FashionMnist() {}

  /** The first {@code limit} images of the "train" or "t10k" split. */
  public static LabelledImages load(String split, int limit) throws IOException {
    IdxImages idx = IdxImages.read(IdxImages.FASHION_MNIST, split, limit);
    float[][] pixels = new float[idx.count()][];
    List<String> ids = new ArrayList<>(idx.count());
    for (int i = 0; i < idx.count(); i++) {
      byte[] gray = idx.pixels()[i];
      pixels[i] = new float[gray.length];
      for (int p = 0; p < gray.length; p++) {
        pixels[i][p] = (gray[p] & 0xff) / 255f;
      }
      ids.add(CLASSES.get(idx.labels()[i]) + "/" + split + "-" + i);
    }
    return new LabelledImages(CLASSES, 1, idx.rows(), ids, pixels, idx.labels());
  }
}
