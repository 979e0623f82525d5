package io.kiln.agent.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.agent.training.Devices;
import io.kiln.agent.training.ImageArchiveReader;
import io.kiln.agent.training.LabelledImages;
import io.kiln.agent.training.TrainingJob;
import io.kiln.agent.training.TrainingResult;
import io.kiln.agent.training.net.Architectures;
import io.kiln.agent.training.net.KilnNet;
import io.kiln.agent.training.net.TorchvisionWeights;
import io.kiln.core.metric.Metric;
import io.kiln.core.preset.BuiltInPresets;
import io.kiln.core.preset.DatasetFacts;
import io.kiln.core.preset.PresetAdjuster;
import io.kiln.core.pretrained.StateDictWriter;
import io.kiln.core.protocol.MetricKind;
import io.kiln.core.recipe.Recipe;
import io.kiln.fixtures.PhotoLikeImages;
import java.io.DataOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Kiln's side of bench/frozen-features (issue 29): 1,000 colour photo-like images at 160 px, the
 * head trained on frozen ResNet-18 features exactly as the wizard's default does it on a CPU agent
 * (features computed once, then the head's epochs), through the agent's TrainingJob. Writes the
 * weights (a torchvision state dict), the decoded images and the recipe to the folder given, for
 * the PyTorch reference to do the same work. Prints {@code KILN_SECONDS=} (start to the trained
 * head), {@code FEATURE_SECONDS=}, {@code MODEL_SECONDS=} (to the stored model) and {@code
 * TEST_ACCURACY=}.
 */
public final class FrozenFeatures {
  static final int SIZE = 160;

  private FrozenFeatures() {}

  public static void main(String[] args) throws Exception {
    Devices.configureThreads();
    Path dir =
        Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/frozen-features"));
    PhotoLikeImages.Spec spec =
        new PhotoLikeImages.Spec(PhotoLikeImages.Task.SHAPE, 5, 200, 160, 220, 77);
    Path zip = PhotoDefaults.splitZip(spec, dir.resolve("photos.zip"), 1);
    LabelledImages images =
        ImageArchiveReader.read(zip, spec.classNames(), SIZE, 32, 3, () -> false);
    Path weights = dir.resolve("resnet18.pth");
    try (NDManager manager = NDManager.newBaseManager()) {
      KilnNet net = Architectures.build("resnet-18", 1000, SIZE);
      net.setInitializer(
          new ai.djl.training.initializer.XavierInitializer(
              ai.djl.training.initializer.XavierInitializer.RandomType.GAUSSIAN,
              ai.djl.training.initializer.XavierInitializer.FactorType.IN,
              2),
          ai.djl.nn.Parameter.Type.WEIGHT);
      net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, SIZE, SIZE));
      StateDictWriter.write(weights, TorchvisionWeights.export(net, "resnet-18"));
    }
    int train = images.indicesOf(LabelledImages.TRAIN).length;
    Recipe recipe =
        PresetAdjuster.adjust(
                BuiltInPresets.find("small-data").orElseThrow(),
                Map.of(),
                new DatasetFacts(train, 5, images.count(), 3, SIZE, false),
                Set.of())
            .recipe()
            .with(Map.of("inputSize", SIZE));
    dump(images, recipe, dir);

    long start = System.nanoTime();
    long[] headTrained = new long[1];
    double[] featureSeconds = new double[1];
    TrainingResult result =
        new TrainingJob(
                recipe,
                images,
                (kind, epoch, step, values) -> {
                  if (MetricKind.EPOCH.equals(kind)) {
                    headTrained[0] = System.nanoTime();
                    featureSeconds[0] += values.getOrDefault(Metric.FEATURE_SECONDS.key(), 0.0);
                  }
                },
                () -> false,
                1000)
            .withInitialWeights(weights)
            .run(Files.createDirectories(dir.resolve("kiln")));
    long end = System.nanoTime();
    System.out.printf(
        "Kiln: %d images at %d px, head-only epochs %d of %d on stored features (%b), batch %d,"
            + " head rate %s%n",
        images.count(),
        SIZE,
        recipe.headOnlyEpochs(),
        recipe.epochs(),
        recipe.storedFeatures(),
        recipe.batchSize(),
        recipe.headLearningRate());
    System.out.println("KILN_SECONDS=" + (headTrained[0] - start) / 1e9);
    System.out.println("FEATURE_SECONDS=" + featureSeconds[0]);
    System.out.println("MODEL_SECONDS=" + (end - start) / 1e9);
    System.out.println("TEST_ACCURACY=" + result.evaluation().accuracy());
  }

  /** The decoded images (float32 CHW in [0, 1]) with labels, splits and the recipe, for PyTorch. */
  static void dump(LabelledImages images, Recipe recipe, Path dir) throws Exception {
    try (OutputStream raw = Files.newOutputStream(dir.resolve("images.f32"));
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(raw))) {
      ByteBuffer row =
          ByteBuffer.allocate(images.pixels()[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] px : images.pixels()) {
        row.clear();
        row.asFloatBuffer().put(px);
        out.write(row.array());
      }
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("count", images.count());
    meta.put("size", images.size());
    meta.put("classes", images.classNames().size());
    meta.put("labels", images.labels());
    meta.put("splits", images.splits());
    meta.put("epochs", recipe.headOnlyEpochs());
    meta.put("batch", recipe.batchSize());
    meta.put("lr", recipe.headLearningRate());
    meta.put("momentum", recipe.momentum());
    meta.put("weightDecay", recipe.weightDecay());
    new ObjectMapper().writeValue(dir.resolve("meta.json").toFile(), meta);
  }
}
