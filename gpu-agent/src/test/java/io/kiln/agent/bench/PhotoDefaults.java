package io.kiln.agent.bench;

import io.kiln.agent.training.Devices;
import io.kiln.agent.training.ImageArchiveReader;
import io.kiln.agent.training.LabelledImages;
import io.kiln.agent.training.TrainingJob;
import io.kiln.agent.training.TrainingResult;
import io.kiln.core.preset.BuiltInPresets;
import io.kiln.core.preset.DatasetFacts;
import io.kiln.core.preset.Preset;
import io.kiln.core.preset.PresetAdjuster;
import io.kiln.core.recipe.Recipe;
import io.kiln.fixtures.PhotoLikeImages;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * What a person's own colour photos get from the wizard's defaults when nothing pretrained can be
 * had (issue 29): each from-scratch preset, fitted to the photos exactly as the planner fits it
 * (PresetAdjuster with the dataset's facts, a CPU agent), trained through the agent's TrainingJob
 * on a photo-like dataset split 80/10/10 as Kiln splits uploads, and scored once on the test split.
 * Prints one line per preset and seed, then {@code TEST_ACCURACY=} of the last preset.
 *
 * <p>Usage: PhotoDefaults [task colour|shape] [classes] [perClass] [minSide] [maxSide] [seeds]
 * [presets,...] [recipe overrides as key=value,...]
 */
public final class PhotoDefaults {
  private PhotoDefaults() {}

  public static void main(String[] args) throws Exception {
    Devices.configureThreads();
    PhotoLikeImages.Task task =
        PhotoLikeImages.Task.valueOf(arg(args, 0, "colour").toUpperCase(java.util.Locale.ROOT));
    int classes = Integer.parseInt(arg(args, 1, "3"));
    int perClass = Integer.parseInt(arg(args, 2, "40"));
    int minSide = Integer.parseInt(arg(args, 3, "120"));
    int maxSide = Integer.parseInt(arg(args, 4, "120"));
    int seeds = Integer.parseInt(arg(args, 5, "1"));
    List<String> presets = List.of(arg(args, 6, "balanced").split(","));
    Map<String, Object> overrides = overrides(arg(args, 7, ""));
    Path dir = Files.createTempDirectory("kiln-photo-defaults");
    double last = 0;
    for (int seed = 1; seed <= seeds; seed++) {
      PhotoLikeImages.Spec spec =
          new PhotoLikeImages.Spec(task, classes, perClass, minSide, maxSide, 100 + seed);
      Path zip = splitZip(spec, dir.resolve("photos-" + seed + ".zip"), seed);
      int train = (int) Math.round(classes * perClass * 0.8);
      DatasetFacts facts =
          new DatasetFacts(
              train, classes, classes * perClass, 3, minSide + (maxSide - minSide) / 2, false);
      for (String id : presets) {
        Preset preset = BuiltInPresets.find(id).orElseThrow();
        Recipe recipe = PresetAdjuster.adjust(preset, overrides, facts, Set.of()).recipe();
        LabelledImages images =
            ImageArchiveReader.read(
                zip, spec.classNames(), recipe.inputSize(), recipe.batchSize(), 1, () -> false);
        long start = System.nanoTime();
        TrainingResult result =
            new TrainingJob(recipe, images, (kind, epoch, step, values) -> {}, () -> false, 1000)
                .run(Files.createDirectories(dir.resolve(id + "-" + seed)));
        double seconds = (System.nanoTime() - start) / 1e9;
        last = result.evaluation().accuracy();
        System.out.printf(
            "%s seed %d: test %.3f, val %.3f, %d px, batch %d, %d epochs, %.0f s%n",
            id,
            seed,
            last,
            result.bestValAccuracy(),
            recipe.inputSize(),
            recipe.batchSize(),
            result.epochs(),
            seconds);
      }
    }
    System.out.println("TEST_ACCURACY=" + last);
  }

  private static Map<String, Object> overrides(String spec) {
    Map<String, Object> map = new HashMap<>();
    for (String pair : spec.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      String[] kv = pair.split("=", 2);
      String v = kv[1];
      Object value =
          v.equals("true") || v.equals("false")
              ? (Object) Boolean.parseBoolean(v)
              : v.matches("-?[0-9]+")
                  ? (Object) Long.parseLong(v)
                  : v.matches("-?[0-9.eE-]+") ? (Object) Double.parseDouble(v) : v;
      map.put(kv[0], value);
    }
    return map;
  }

  private static String arg(String[] args, int i, String fallback) {
    return args.length > i ? args[i] : fallback;
  }

  /** The photos in Kiln's canonical layout: 80 % train, 10 % validation, 10 % test per class. */
  static Path splitZip(PhotoLikeImages.Spec spec, Path target, long seed) throws IOException {
    Path flat = target.resolveSibling("flat-" + target.getFileName());
    PhotoLikeImages.writeZip(flat, spec);
    try (ZipFile in = new ZipFile(flat.toFile());
        OutputStream out = Files.newOutputStream(target);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("kiln-dataset.json"));
      zip.write("{\"format\":\"kiln-dataset/2\"}".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
      Map<String, List<ZipEntry>> byClass = new HashMap<>();
      in.stream()
          .forEach(
              e ->
                  byClass
                      .computeIfAbsent(e.getName().split("/")[0], k -> new ArrayList<>())
                      .add(e));
      for (List<ZipEntry> entries : byClass.values()) {
        java.util.Collections.shuffle(entries, new java.util.Random(seed));
        int n = entries.size();
        int val = Math.max(1, n / 10);
        int test = Math.max(1, n / 10);
        for (int i = 0; i < n; i++) {
          String split = i < test ? "test" : i < test + val ? "val" : "train";
          zip.putNextEntry(new ZipEntry(split + "/" + entries.get(i).getName()));
          zip.write(in.getInputStream(entries.get(i)).readAllBytes());
          zip.closeEntry();
        }
      }
    }
    Files.delete(flat);
    return target;
  }
}
