package io.kiln.agent.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.kiln.agent.training.Devices;
import io.kiln.agent.training.LabelledImages;
import io.kiln.agent.training.TrainingJob;
import io.kiln.agent.training.TrainingResult;
import io.kiln.core.predict.Occlusion;
import io.kiln.core.recipe.Recipe;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.zip.ZipFile;

/**
 * bench/why-map (issue 33): does the occlusion map show what decides the class, and how long does
 * one take? A small CNN is trained (the agent's TrainingJob) on 28 px images whose class is decided
 * by one small mark in the top-left quadrant only (a plus or a square), with marks of both kinds
 * scattered over the other quadrants as distractors. Its exported ONNX model, in ONNX Runtime as
 * the backend runs it, explains 100 test images: the share of each map's positive mass in the
 * top-left quadrant (a map that knows nothing: 0.25). Then the time per map for that model and for
 * a ResNet-18 at 160 px (one epoch on a few images: the time does not depend on the weights).
 */
public final class WhyMap {
  static final int SIZE = 28;
  static final int QUADRANT = SIZE / 2;

  private WhyMap() {}

  public static void main(String[] args) throws Exception {
    Devices.configureThreads();
    Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/why-map"));
    Random random = new Random(33);
    LabelledImages images = markedImages(3000, 100, random);
    Recipe recipe =
        Recipe.defaults().with(Map.of("epochs", 15, "inputSize", SIZE, "batchSize", 64, "seed", 3));
    TrainingResult small =
        new TrainingJob(recipe, images, (k, e, s, v) -> {}, () -> false, 0)
            .run(Files.createDirectories(dir.resolve("small")));
    try (OrtSession session = session(small)) {
      int[] test = images.indicesOf(LabelledImages.TEST);
      double mass = 0;
      int right = 0;
      List<Double> millis = new ArrayList<>();
      int cellsInQuadrant = (QUADRANT + Occlusion.stride(SIZE) - 1) / Occlusion.stride(SIZE);
      for (int i : test) {
        long start = System.nanoTime();
        Occlusion.Map map =
            Occlusion.of(images.pixels()[i], 1, SIZE, b -> run(session, b, 1, SIZE));
        millis.add((System.nanoTime() - start) / 1e6);
        right += map.classIndex() == images.labels()[i] ? 1 : 0;
        mass += map.massIn(0, cellsInQuadrant, 0, cellsInQuadrant);
      }
      mass /= test.length;
      double smallMs = median(millis);
      System.out.printf(
          Locale.ROOT,
          "why-map: small CNN at %d px, %d test images, %.1f %% right; mean share of the map in the"
              + " deciding quadrant %.3f (uniform 0.250); %.1f ms per map (median, %d images per"
              + " batch)%n",
          SIZE,
          test.length,
          100.0 * right / test.length,
          mass,
          smallMs,
          Occlusion.batchSize(SIZE));
      double resnetMs = resnetMillis(dir, random);
      System.out.printf(
          Locale.ROOT,
          "why-map: ResNet-18 at 160 px: %.0f ms per map (median of 10, %d images per map);"
              + " goals: small CNN under 100 ms, ResNet-18 under 1,500 ms%n",
          resnetMs,
          Occlusion.batchSize(160));
      System.out.printf(
          Locale.ROOT,
          "RESULT name=why-map kiln=%.3f reference=0.250 ratio=%.2f unit=share-in-quadrant%n",
          mass,
          mass / 0.25);
    }
  }

  /** Train, validation and test images: the top-left mark decides, the rest distracts. */
  static LabelledImages markedImages(int train, int test, Random random) {
    int n = train + 2 * test;
    List<String> ids = new ArrayList<>();
    float[][] pixels = new float[n][];
    int[] labels = new int[n];
    int[] splits = new int[n];
    for (int i = 0; i < n; i++) {
      float[] image = new float[SIZE * SIZE];
      for (int p = 0; p < image.length; p++) {
        image[p] = random.nextFloat() * 0.25f;
      }
      labels[i] = random.nextInt(2);
      mark(image, labels[i], random.nextInt(QUADRANT - 5), random.nextInt(QUADRANT - 5));
      for (int q = 1; q < 4; q++) {
        int oy = q >= 2 ? QUADRANT : 0;
        int ox = q % 2 == 1 ? QUADRANT : 0;
        mark(
            image,
            random.nextInt(2),
            oy + random.nextInt(QUADRANT - 5),
            ox + random.nextInt(QUADRANT - 5));
      }
      pixels[i] = image;
      ids.add("image-" + i);
      splits[i] =
          i < train
              ? LabelledImages.TRAIN
              : i < train + test ? LabelledImages.VALIDATION : LabelledImages.TEST;
    }
    return new LabelledImages(List.of("plus", "square"), 1, SIZE, ids, pixels, labels, splits);
  }

  /** A 5 x 5 plus (kind 0) or hollow square (kind 1) at (y, x). */
  static void mark(float[] image, int kind, int y, int x) {
    for (int r = 0; r < 5; r++) {
      for (int c = 0; c < 5; c++) {
        boolean on = kind == 0 ? r == 2 || c == 2 : r == 0 || r == 4 || c == 0 || c == 4;
        if (on) {
          image[(y + r) * SIZE + x + c] = 1f;
        }
      }
    }
  }

  /** A ResNet-18 at 160 px trained one epoch on a few colour images: its median time per map. */
  static double resnetMillis(Path dir, Random random) throws Exception {
    int size = 160;
    int n = 24;
    float[][] pixels = new float[n][];
    int[] labels = new int[n];
    int[] splits = new int[n];
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pixels[i] = new float[3 * size * size];
      for (int p = 0; p < pixels[i].length; p++) {
        pixels[i][p] = random.nextFloat();
      }
      labels[i] = i % 2;
      splits[i] =
          i < 16 ? LabelledImages.TRAIN : i < 20 ? LabelledImages.VALIDATION : LabelledImages.TEST;
      ids.add("noise-" + i);
    }
    LabelledImages images =
        new LabelledImages(List.of("a", "b"), 3, size, ids, pixels, labels, splits);
    Recipe recipe =
        Recipe.defaults()
            .with(
                Map.of(
                    "architecture",
                    "resnet-18",
                    "epochs",
                    1,
                    "inputSize",
                    size,
                    "batchSize",
                    8,
                    "seed",
                    3));
    TrainingResult resnet =
        new TrainingJob(recipe, images, (k, e, s, v) -> {}, () -> false, 0)
            .run(Files.createDirectories(dir.resolve("resnet")));
    try (OrtSession session = session(resnet)) {
      List<Double> millis = new ArrayList<>();
      for (int i = 0; i < 11; i++) {
        long start = System.nanoTime();
        Occlusion.of(pixels[i % n], 3, size, b -> run(session, b, 3, size));
        if (i > 0) {
          millis.add((System.nanoTime() - start) / 1e6);
        }
      }
      return median(millis);
    }
  }

  private static OrtSession session(TrainingResult result) throws Exception {
    try (ZipFile zip = new ZipFile(result.modelArchive().toFile());
        InputStream in = zip.getInputStream(zip.getEntry("model.onnx"))) {
      return OrtEnvironment.getEnvironment()
          .createSession(in.readAllBytes(), new OrtSession.SessionOptions());
    }
  }

  /** The backend's way: batches of 32 through ONNX Runtime, the softmax output. */
  static float[][] run(OrtSession session, List<float[]> images, int channels, int size) {
    List<float[]> out = new ArrayList<>();
    int plane = channels * size * size;
    for (int from = 0; from < images.size(); from += 32) {
      List<float[]> chunk = images.subList(from, Math.min(images.size(), from + 32));
      float[] batch = new float[chunk.size() * plane];
      for (int i = 0; i < chunk.size(); i++) {
        System.arraycopy(chunk.get(i), 0, batch, i * plane, plane);
      }
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      try (OnnxTensor input =
              OnnxTensor.createTensor(
                  env, FloatBuffer.wrap(batch), new long[] {chunk.size(), channels, size, size});
          OrtSession.Result result = session.run(Map.of("image", input))) {
        out.addAll(Arrays.asList((float[][]) result.get("probabilities").orElseThrow().getValue()));
      } catch (OrtException e) {
        throw new IllegalStateException(e);
      }
    }
    return out.toArray(float[][]::new);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    return sorted.get(sorted.size() / 2);
  }
}
