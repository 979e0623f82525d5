package io.kiln.agent.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.agent.training.net.Architectures;
import io.kiln.agent.training.net.KilnNet;
import io.kiln.core.recipe.Recipe;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 13's proof of the ONNX export: for each of Kiln's architectures, a tiny real training run's
 * {@code model.onnx}, run in ONNX Runtime, gives the same top-1 class as the trained network in DJL
 * on every image of the held-out test split, and logits within 1e-3.
 */
class OnnxParityIT {
  static Path splitZip;

  @BeforeAll
  static void data(@TempDir Path dir) throws Exception {
    Devices.configureThreads();
    splitZip = SyntheticImages.writeSplitZip(dir.resolve("split.zip"), 16, 4, 8, 16);
  }

  @ParameterizedTest(name = "{0} at {1} px, {2} channel(s)")
  @CsvSource({
    "small-cnn, 16, 1",
    "mobilenet, 16, 3",
    "resnet-18, 64, 3",
    "resnet-34, 16, 1",
    "resnet-50, 16, 3"
  })
  void onnxRuntimeAgreesWithDjl(String architecture, int size, int channels, @TempDir Path out)
      throws Exception {
    LabelledImages images = ImageArchiveReader.read(splitZip, SyntheticImages.CLASSES, size);
    if (channels == 3) {
      images = tinted(images);
    }
    Recipe recipe =
        Recipe.defaults()
            .with(
                Map.of(
                    "architecture", architecture,
                    "batchSize", 16,
                    "epochs", 1,
                    "inputSize", size,
                    "seed", 5));
    TrainingResult result =
        new TrainingJob(recipe, images, (kind, epoch, step, values) -> {}, () -> false, 0).run(out);

    Path unpacked = Files.createDirectories(out.resolve("unpacked"));
    JsonNode meta;
    byte[] onnx;
    try (ZipFile zip = new ZipFile(result.modelArchive().toFile())) {
      for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
        try (InputStream in = zip.getInputStream(entry)) {
          Files.copy(in, unpacked.resolve(entry.getName()));
        }
      }
      onnx = Files.readAllBytes(unpacked.resolve("model.onnx"));
      meta = new ObjectMapper().readTree(unpacked.resolve("kiln-model.json").toFile());
    }
    assertEquals("model.onnx", meta.path("onnx").path("file").asText());
    assertTrue(meta.path("onnx").path("opset").asInt() >= 17);

    int[] test = images.indicesOf(LabelledImages.TEST);
    int plane = channels * size * size;
    float[] batch = new float[test.length * plane];
    for (int i = 0; i < test.length; i++) {
      System.arraycopy(images.pixels()[test[i]], 0, batch, i * plane, plane);
    }
    float[][] djl = djlLogits(unpacked, meta, architecture, batch, test.length, channels, size);
    float[][] ort = ortLogits(onnx, batch, test.length, channels, size);

    double worst = 0;
    double largest = 0;
    for (int i = 0; i < test.length; i++) {
      for (float v : djl[i]) {
        largest = Math.max(largest, Math.abs(v));
      }
      assertEquals(argmax(djl[i]), argmax(ort[i]), "top-1 class of test image " + i);
      for (int k = 0; k < djl[i].length; k++) {
        worst = Math.max(worst, Math.abs(djl[i][k] - ort[i][k]));
      }
    }
    System.out.printf(
        "ONNX parity %s %dpx %dch: %d test images, top-1 equal, max |logit diff| %.2e"
            + " (largest |logit| %.2e)%n",
        architecture, size, channels, test.length, worst, largest);
    // 1e-3 for logits of ordinary size; a one-epoch ResNet-50 on 48 images can reach logits of
    // 1e6 (its batch-norm statistics barely moved), where float32 itself resolves only ~0.1.
    assertTrue(
        worst < 1e-3 * Math.max(1, largest / 100),
        "logits within 1e-3 (relative beyond 100), worst " + worst + " of " + largest);
  }

  /** Kiln's own prediction: the trained parameters in DJL, normalized as in training. */
  private static float[][] djlLogits(
      Path dir, JsonNode meta, String arch, float[] pixels, int n, int channels, int size)
      throws Exception {
    float[] mean = floats(meta.path("mean"));
    float[] std = floats(meta.path("std"));
    float[] normalized = pixels.clone();
    int plane = size * size;
    for (int i = 0; i < n; i++) {
      for (int c = 0; c < channels; c++) {
        int base = (i * channels + c) * plane;
        for (int p = 0; p < plane; p++) {
          normalized[base + p] = (pixels[base + p] - mean[c]) / std[c];
        }
      }
    }
    int classes = meta.path("classNames").size();
    try (Model model = Model.newInstance("kiln");
        NDManager manager = NDManager.newBaseManager()) {
      KilnNet net = Architectures.build(arch, classes, size);
      model.setBlock(net);
      model.load(dir, "kiln");
      NDArray x = manager.create(normalized, new Shape(n, channels, size, size));
      NDArray logits =
          net.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
      return rows(logits.toFloatArray(), n);
    }
  }

  private static float[][] ortLogits(byte[] onnx, float[] pixels, int n, int channels, int size)
      throws Exception {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
        OnnxTensor input =
            OnnxTensor.createTensor(
                env, FloatBuffer.wrap(pixels), new long[] {n, channels, size, size});
        OrtSession.Result result = session.run(Map.of("image", input))) {
      assertEquals(java.util.Set.of("image"), session.getInputNames(), "the documented input name");
      float[][] logits = (float[][]) result.get("logits").orElseThrow().getValue();
      float[][] probabilities = (float[][]) result.get("probabilities").orElseThrow().getValue();
      assertNotNull(probabilities);
      assertEquals(1.0, sum(probabilities[0]), 1e-4, "softmax rows sum to one");
      return logits;
    }
  }

  /** The grey images as RGB with a different gain per channel, so the channels differ. */
  private static LabelledImages tinted(LabelledImages grey) {
    int plane = grey.size() * grey.size();
    float[][] rgb = new float[grey.count()][];
    for (int i = 0; i < rgb.length; i++) {
      float[] px = grey.pixels()[i];
      float[] out = new float[3 * plane];
      for (int p = 0; p < plane; p++) {
        out[p] = px[p];
        out[plane + p] = px[p] * 0.7f;
        out[2 * plane + p] = 1 - px[p];
      }
      rgb[i] = out;
    }
    return new LabelledImages(
        grey.classNames(), 3, grey.size(), grey.ids(), rgb, grey.labels(), grey.splits());
  }

  private static float[][] rows(float[] flat, int n) {
    int k = flat.length / n;
    float[][] out = new float[n][];
    for (int i = 0; i < n; i++) {
      out[i] = Arrays.copyOfRange(flat, i * k, (i + 1) * k);
    }
    return out;
  }

  private static float[] floats(JsonNode array) {
    float[] out = new float[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) array.get(i).asDouble();
    }
    return out;
  }

  private static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  private static double sum(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x;
    }
    return s;
  }
}
