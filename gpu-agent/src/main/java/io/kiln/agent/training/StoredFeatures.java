package io.kiln.agent.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.kiln.agent.training.data.Augmenter;
import io.kiln.agent.training.data.BatchPipeline;
import io.kiln.agent.training.data.Mixer;
import io.kiln.agent.training.net.KilnNet;
import io.kiln.core.recipe.Recipe;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The head-only stage on stored features (T14, the way Teachable Machine trains in seconds): the
 * frozen starting network computes every image's features once, without augmentation, and the head
 * trains on those vectors, so a head epoch costs a matrix product instead of a pass through the
 * network. The features are kept in a file (by dataset, weights, size and normalization, chosen by
 * the agent), so the next run on the same dataset and weights starts at once.
 *
 * <p>Frozen features run in inference mode (batch norm on its running statistics), so a stored
 * vector is exactly what the network would compute for the image during the head-only stage: the
 * head sees the same numbers either way, only sooner.
 */
final class StoredFeatures {
  private static final Logger LOG = Logger.getLogger(StoredFeatures.class.getName());
  private static final int MAGIC = 0x4b464541; // "KFEA"

  private final KilnNet net;
  private final LabelledImages images;
  private final Normalization normalization;
  private final Recipe recipe;
  private final Path cacheFile;
  private final BooleanSupplier cancelled;
  private final Function<Shape, EpochLoop> loops;
  private LabelledImages features;
  private EpochLoop loop;
  private BatchPipeline train;
  private BatchPipeline validation;

  /**
   * @param cacheFile where the features are kept between runs, or null to compute them every time
   * @param loops makes the epoch loop for inputs of the given shape (the features' length)
   */
  StoredFeatures(
      KilnNet net,
      LabelledImages images,
      Normalization normalization,
      Recipe recipe,
      Path cacheFile,
      BooleanSupplier cancelled,
      Function<Shape, EpochLoop> loops) {
    this.net = net;
    this.images = images;
    this.normalization = normalization;
    this.recipe = recipe;
    this.cacheFile = cacheFile;
    this.cancelled = cancelled;
    this.loops = loops;
  }

  /**
   * Makes the features ready; returns the seconds spent computing them now (0 when they were ready
   * or read from the cache).
   */
  double prepare(NDManager manager, Device device) throws IOException {
    if (features != null) {
      return 0;
    }
    long start = System.nanoTime();
    float[][] vectors = cacheFile == null ? null : read(cacheFile, images.count());
    boolean computed = vectors == null;
    if (computed) {
      vectors = compute(manager, device);
      if (cacheFile != null) {
        write(cacheFile, vectors);
      }
    }
    int size = vectors[0].length;
    features =
        new LabelledImages(
            images.classNames(), size, 1, images.ids(), vectors, images.labels(), images.splits());
    Recipe plain = recipe.with(Map.of("mixupAlpha", 0.0, "cutmixAlpha", 0.0));
    Normalization none = Normalization.identity(size);
    train =
        new BatchPipeline(
            features, new Augmenter(plain, none, false), new Mixer(plain, classes()), null, 2, 0);
    validation =
        new BatchPipeline(
            features, new Augmenter(plain, none, false), new Mixer(plain, classes()), null, 2, 0);
    loop = loops.apply(new Shape(size));
    double seconds = (System.nanoTime() - start) / 1e9;
    LOG.info(
        String.format(
            "%s features of %d values for %d images in %.1f s",
            computed ? "computed" : "read stored", size, images.count(), seconds));
    return computed ? seconds : 0;
  }

  EpochLoop loop() {
    return loop;
  }

  BatchPipeline train() {
    return train;
  }

  BatchPipeline validation() {
    return validation;
  }

  LabelledImages features() {
    return features;
  }

  private int classes() {
    return images.classNames().size();
  }

  /** Every image through the frozen feature extractor, in inference mode, batch by batch. */
  private float[][] compute(NDManager manager, Device device) {
    int channels = images.channels();
    int plane = images.size() * images.size();
    int per = channels * plane;
    int batch = Math.max(1, Math.min(recipe.batchSize(), 64));
    float[][] out = new float[images.count()][];
    JniUtils.setGradMode(false);
    for (int from = 0; from < out.length; from += batch) {
      if (cancelled.getAsBoolean()) {
        throw new TrainingCancelledException();
      }
      int n = Math.min(batch, out.length - from);
      float[] data = new float[n * per];
      for (int i = 0; i < n; i++) {
        normalization.normalize(images.pixels()[from + i], channels, plane, data, i * per);
      }
      try (NDManager scope = manager.newSubManager(device)) {
        NDArray x =
            scope
                .create(data, new Shape(n, channels, images.size(), images.size()))
                .toDevice(device, false);
        float[] values =
            net.features()
                .forward(new ParameterStore(scope, false), new NDList(x), false)
                .singletonOrThrow()
                .toFloatArray();
        int size = values.length / n;
        for (int i = 0; i < n; i++) {
          out[from + i] = java.util.Arrays.copyOfRange(values, i * size, (i + 1) * size);
        }
      }
    }
    return out;
  }

  /** The stored features, or null when there are none for exactly these images. */
  static float[][] read(Path file, int count) {
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try (InputStream raw = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw))) {
      if (in.readInt() != MAGIC || in.readInt() != count) {
        return null;
      }
      int size = in.readInt();
      if (size <= 0 || size > 1 << 20) {
        return null;
      }
      float[][] out = new float[count][size];
      byte[] row = new byte[size * 4];
      for (float[] vector : out) {
        in.readFully(row);
        ByteBuffer.wrap(row).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
      }
      Files.setLastModifiedTime(
          file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
      return out;
    } catch (IOException e) {
      LOG.warning("stored features unreadable, computing them again: " + e.getMessage());
      return null;
    }
  }

  /** Written beside, then moved into place: a reader never sees half a file. */
  static void write(Path file, float[][] vectors) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".part");
    try (OutputStream raw = Files.newOutputStream(tmp);
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(raw))) {
      out.writeInt(MAGIC);
      out.writeInt(vectors.length);
      out.writeInt(vectors[0].length);
      ByteBuffer row = ByteBuffer.allocate(vectors[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] vector : vectors) {
        row.clear();
        row.asFloatBuffer().put(vector);
        out.write(row.array());
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
