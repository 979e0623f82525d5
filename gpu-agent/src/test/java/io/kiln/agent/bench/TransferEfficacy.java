package io.kiln.agent.bench;

import io.kiln.agent.training.Devices;
import io.kiln.agent.training.LabelledImages;
import io.kiln.agent.training.TrainingJob;
import io.kiln.agent.training.TrainingResult;
import io.kiln.core.data.IdxImages;
import io.kiln.core.data.ImagePixels;
import io.kiln.core.preset.BuiltInPresets;
import io.kiln.core.preset.DatasetFacts;
import io.kiln.core.preset.PresetAdjuster;
import io.kiln.core.recipe.Recipe;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.zip.ZipFile;

/**
 * What starting from pretrained weights buys (issue 29), with what this machine has: Kiln's
 * ResNet-18 is pretrained on Fashion-MNIST classes 0-4 (all their training images, as colour 64 px
 * images), its {@code model.pth} (the torchvision state dict every colour ResNet run leaves) is the
 * starting point, loaded through the same path as a catalogue network's ImageNet file, and classes
 * 5-9 are fine-tuned from 10, 50 and 100 images per class. Each fine-tune is scored on 1,000 test
 * images of classes 5-9 against the same recipe from random weights, and against the wizard's own
 * from-scratch default for such a dataset.
 *
 * <p>Recipes: the wizard's Small data preset fitted to the dataset by PresetAdjuster, as a CPU
 * agent gets it (the head alone, on stored features) and as a GPU agent gets it (the head first,
 * then every layer); "scratch" is the GPU variant from random weights; "wizard scratch" is the
 * Balanced preset fitted the same way.
 *
 * <p>Prints a table and {@code PRETRAINED_50=} / {@code SCRATCH_50=} (best pretrained and best
 * from-scratch test accuracy at 50 images per class).
 */
public final class TransferEfficacy {
  static final int SIZE = 64;
  static final List<String> SOURCE = IdxImages.FASHION_CLASSES.subList(0, 5);
  static final List<String> TARGET = IdxImages.FASHION_CLASSES.subList(5, 10);

  private TransferEfficacy() {}

  public static void main(String[] args) throws Exception {
    Devices.configureThreads();
    int pretrainEpochs = Integer.parseInt(env("BENCH_PRETRAIN_EPOCHS", "2"));
    int pretrainImages = Integer.parseInt(env("BENCH_PRETRAIN_IMAGES", "30000"));
    int seeds = Integer.parseInt(env("BENCH_SEEDS", "2"));
    List<Integer> perClass =
        java.util.Arrays.stream(env("BENCH_PER_CLASS", "10,50,100").split(","))
            .map(String::trim)
            .map(Integer::valueOf)
            .toList();
    // BENCH_ONLY: train only the recipes whose name holds this text (e.g. "GPU default").
    String only = env("BENCH_ONLY", "");
    Path dir = Files.createTempDirectory("kiln-transfer");
    IdxImages train = IdxImages.read(IdxImages.FASHION_MNIST, "train", 60_000);
    IdxImages test = IdxImages.read(IdxImages.FASHION_MNIST, "t10k", 10_000);

    long start = System.nanoTime();
    // BENCH_WEIGHTS: a model.pth an earlier run pretrained, instead of pretraining again.
    String given = env("BENCH_WEIGHTS", "");
    Path weights =
        given.isEmpty() ? pretrain(train, pretrainImages, pretrainEpochs, dir) : Path.of(given);
    System.out.printf(
        "pretrained ResNet-18 on classes 0-4 (%d images, %d epochs, %d px) in %.0f s%n",
        pretrainImages, pretrainEpochs, SIZE, (System.nanoTime() - start) / 1e9);

    Map<String, double[]> table = new java.util.LinkedHashMap<>();
    for (int n : perClass) {
      for (int seed = 1; seed <= seeds; seed++) {
        LabelledImages images = target(train, test, n, seed);
        DatasetFacts cpu = new DatasetFacts(n * 5, 5, images.count(), 3, 28, false);
        DatasetFacts gpu = new DatasetFacts(n * 5, 5, images.count(), 3, 28, true);
        Recipe onCpu = fineTune(cpu);
        Recipe onGpu = fineTune(gpu);
        Recipe scratch =
            onGpu.with(
                Map.of(
                    "initialWeights",
                    "random",
                    "pretrainedWeights",
                    "",
                    "headOnlyEpochs",
                    0,
                    "storedFeatures",
                    false));
        Recipe wizardScratch =
            PresetAdjuster.adjust(
                    BuiltInPresets.find("balanced").orElseThrow(), Map.of(), cpu, Set.of())
                .recipe()
                .with(Map.of("inputSize", SIZE));
        Map<String, java.util.concurrent.Callable<Double>> recipes =
            new java.util.LinkedHashMap<>();
        recipes.put(
            "pretrained, head only (CPU default)", () -> train(onCpu, images, weights, dir));
        recipes.put(
            "pretrained, head then all layers (GPU default)",
            () -> train(onGpu, images, weights, dir));
        recipes.put("scratch, same recipe", () -> train(scratch, images, null, dir));
        recipes.put(
            "scratch, wizard default (Balanced)", () -> train(wizardScratch, images, null, dir));
        for (var recipe : recipes.entrySet()) {
          if (recipe.getKey().contains(only)) {
            record(table, recipe.getKey(), n, seed, recipe.getValue().call());
          }
        }
      }
    }
    System.out.println();
    System.out.printf(
        "%-48s %10s %10s %10s%n",
        "test accuracy (mean of " + seeds + " seeds)", "10/class", "50/class", "100/class");
    double pretrained50 = 0;
    double scratch50 = 0;
    for (Map.Entry<String, double[]> e : table.entrySet()) {
      double[] sums = e.getValue();
      System.out.printf(
          "%-48s %10.3f %10.3f %10.3f%n",
          e.getKey(), sums[0] / seeds, sums[1] / seeds, sums[2] / seeds);
      if (e.getKey().startsWith("pretrained")) {
        pretrained50 = Math.max(pretrained50, sums[1] / seeds);
      } else {
        scratch50 = Math.max(scratch50, sums[1] / seeds);
      }
    }
    System.out.println("PRETRAINED_50=" + pretrained50);
    System.out.println("SCRATCH_50=" + scratch50);
  }

  /** The wizard's fine-tune, fitted to the dataset, at 64 px (Fashion-MNIST is 28 px). */
  static Recipe fineTune(DatasetFacts facts) {
    return PresetAdjuster.adjust(
            BuiltInPresets.find("small-data").orElseThrow(),
            Map.of("pretrainedWeights", "imported-1"),
            facts,
            Set.of())
        .recipe()
        .with(Map.of("inputSize", SIZE));
  }

  private static void record(
      Map<String, double[]> table, String name, int n, int seed, double acc) {
    System.out.printf("%s, %d per class, seed %d: %.3f%n", name, n, seed, acc);
    table.computeIfAbsent(name, k -> new double[3])[n == 10 ? 0 : n == 50 ? 1 : 2] += acc;
  }

  private static double train(Recipe recipe, LabelledImages images, Path weights, Path dir)
      throws Exception {
    // With checkpoints, as the agent trains: the best epoch is kept across the stages (T15).
    TrainingJob job =
        new TrainingJob(recipe, images, (k, e, s, v) -> {}, () -> false, 1000)
            .withCheckpoints(Files.createTempDirectory(dir, "checkpoints"));
    if (weights != null) {
      job.withInitialWeights(weights);
    }
    TrainingResult result = job.run(Files.createTempDirectory(dir, "run"));
    return result.evaluation().accuracy();
  }

  /** Kiln's ResNet-18 trained from scratch on classes 0-4; returns its model.pth. */
  static Path pretrain(IdxImages train, int limit, int epochs, Path dir) throws Exception {
    List<Integer> picked = new ArrayList<>();
    for (int i = 0; i < train.count() && picked.size() < limit; i++) {
      if (train.labels()[i] < 5) {
        picked.add(i);
      }
    }
    int[] splits = new int[picked.size()];
    for (int i = 0; i < splits.length; i++) {
      splits[i] = i % 50 == 0 ? LabelledImages.VALIDATION : LabelledImages.TRAIN;
    }
    LabelledImages images = colour(train, picked, SOURCE, i -> train.labels()[i], splits);
    Recipe recipe =
        Recipe.defaults()
            .with(
                Map.ofEntries(
                    Map.entry("architecture", "resnet-18"),
                    Map.entry("inputSize", SIZE),
                    Map.entry("optimizer", "sgd"),
                    Map.entry("nesterov", true),
                    Map.entry("lrScaling", "linear"),
                    Map.entry("learningRate", 0.2),
                    Map.entry("batchSize", 128),
                    Map.entry("epochs", epochs),
                    Map.entry("schedule", "cosine"),
                    Map.entry("minLearningRate", 0.001),
                    Map.entry("weightDecay", 5e-5),
                    Map.entry("horizontalFlip", true),
                    Map.entry("normalization", "imagenet")));
    TrainingResult result =
        new TrainingJob(recipe, images, (k, e, s, v) -> {}, () -> false, 1000)
            .run(Files.createTempDirectory(dir, "pretrain"));
    System.out.printf("pretraining: validation accuracy %.3f%n", result.bestValAccuracy());
    Path pth = dir.resolve("pretrained.pth");
    try (ZipFile zip = new ZipFile(result.modelArchive().toFile());
        InputStream in = zip.getInputStream(zip.getEntry("model.pth"))) {
      Files.copy(in, pth);
    }
    return pth;
  }

  /** n training and 10 validation images per class of classes 5-9, and 1,000 test images. */
  static LabelledImages target(IdxImages train, IdxImages test, int n, int seed) {
    Random random = new Random(seed);
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < train.count(); i++) {
      if (train.labels()[i] >= 5) {
        order.add(i);
      }
    }
    java.util.Collections.shuffle(order, random);
    Map<Integer, Integer> taken = new HashMap<>();
    List<Integer> trainPick = new ArrayList<>();
    List<Integer> valPick = new ArrayList<>();
    for (int i : order) {
      int c = train.labels()[i];
      int k = taken.merge(c, 1, Integer::sum);
      if (k <= n) {
        trainPick.add(i);
      } else if (k <= n + 10) {
        valPick.add(i);
      }
    }
    List<Integer> testPick = new ArrayList<>();
    Map<Integer, Integer> tested = new HashMap<>();
    for (int i = 0; i < test.count(); i++) {
      if (test.labels()[i] >= 5 && tested.merge(test.labels()[i], 1, Integer::sum) <= 200) {
        testPick.add(i);
      }
    }
    LabelledImages a = colour(train, trainPick, TARGET, i -> train.labels()[i] - 5, null);
    LabelledImages b = colour(train, valPick, TARGET, i -> train.labels()[i] - 5, null);
    LabelledImages c = colour(test, testPick, TARGET, i -> test.labels()[i] - 5, null);
    int total = a.count() + b.count() + c.count();
    float[][] pixels = new float[total][];
    int[] labels = new int[total];
    int[] splits = new int[total];
    List<String> ids = new ArrayList<>();
    int k = 0;
    for (LabelledImages part : List.of(a, b, c)) {
      int split =
          part == a
              ? LabelledImages.TRAIN
              : part == b ? LabelledImages.VALIDATION : LabelledImages.TEST;
      for (int i = 0; i < part.count(); i++, k++) {
        pixels[k] = part.pixels()[i];
        labels[k] = part.labels()[i];
        splits[k] = split;
        ids.add(split + "/" + part.ids().get(i));
      }
    }
    return new LabelledImages(TARGET, 3, SIZE, ids, pixels, labels, splits);
  }

  /** Gray 28 px images as colour ones at 64 px (the channels repeat), as an RGB upload reads. */
  static LabelledImages colour(
      IdxImages idx,
      List<Integer> picked,
      List<String> classes,
      java.util.function.IntUnaryOperator label,
      int[] splits) {
    float[][] pixels = new float[picked.size()][];
    int[] labels = new int[picked.size()];
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < pixels.length; i++) {
      int index = picked.get(i);
      BufferedImage gray = new BufferedImage(idx.cols(), idx.rows(), BufferedImage.TYPE_INT_RGB);
      byte[] px = idx.pixels()[index];
      for (int p = 0; p < px.length; p++) {
        int v = px[p] & 0xff;
        gray.setRGB(p % idx.cols(), p / idx.cols(), (v << 16) | (v << 8) | v);
      }
      pixels[i] = ImagePixels.toChw(ImagePixels.resize(gray, SIZE), 3);
      labels[i] = label.applyAsInt(index);
      ids.add(classes.get(labels[i]) + "/" + index + ".png");
    }
    return new LabelledImages(List.copyOf(classes), 3, SIZE, ids, pixels, labels, splits);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}
