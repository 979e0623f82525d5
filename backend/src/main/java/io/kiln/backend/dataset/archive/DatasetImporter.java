package io.kiln.backend.dataset.archive;

import io.kiln.core.data.DecodeBudget;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns an uploaded .zip or .tar.gz into a validated canonical dataset archive in two streaming
 * passes over the upload: scan (limits, names, decode, hash), then write (kept images only), every
 * decode within the process's {@link DecodeBudget}. Throws {@link ArchiveRefused} for anything that
 * cannot become a dataset; the caller deletes the output files then.
 */
public final class DatasetImporter {
  private DatasetImporter() {}

  public static ImportResult importArchive(
      Path upload,
      ImportLimits limits,
      DecodeBudget budget,
      SplitOptions split,
      Path canonical,
      Path thumbnails)
      throws IOException {
    Scan scan = Scanner.scan(upload, limits, budget);
    Validation.Plan plan = Validation.plan(scan, split, limits);
    Map<String, Map<String, Integer>> counts = counts(plan);
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("format", "kiln-dataset/2");
    manifest.put("classes", plan.classNames());
    manifest.put("splits", counts);
    Map<String, List<String>> gallery =
        CanonicalWriter.write(upload, plan, manifest, canonical, thumbnails, budget);
    return new ImportResult(
        plan.classNames(),
        counts,
        plan.findings(),
        statistics(plan, counts),
        gallery,
        plan.splitMode(),
        split.valPercent(),
        split.testPercent(),
        split.seed());
  }

  private static Map<String, Map<String, Integer>> counts(Validation.Plan plan) {
    Map<String, Map<String, Integer>> counts = new LinkedHashMap<>();
    for (String split : Validation.SPLITS) {
      Map<String, Integer> perClass = new LinkedHashMap<>();
      for (String cls : plan.classNames()) {
        perClass.put(cls, 0);
      }
      counts.put(split, perClass);
    }
    plan.kept().forEach(s -> counts.get(s.split()).merge(s.className(), 1, Integer::sum));
    return counts;
  }

  private static ImportResult.Statistics statistics(
      Validation.Plan plan, Map<String, Map<String, Integer>> counts) {
    List<Scanned> kept = plan.kept();
    Map<String, Integer> train = counts.get("train");
    int max = train.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    int min = train.values().stream().mapToInt(Integer::intValue).min().orElse(0);
    Map<String, Long> sizes =
        kept.stream()
            .collect(
                Collectors.groupingBy(s -> s.width() + " x " + s.height(), Collectors.counting()));
    Map<String, Integer> topSizes = new LinkedHashMap<>();
    List<Map.Entry<String, Long>> ordered =
        sizes.entrySet().stream()
            .sorted(
                Map.Entry.<String, Long>comparingByValue()
                    .reversed()
                    .thenComparing(Map.Entry.comparingByKey()))
            .toList();
    for (int i = 0; i < ordered.size(); i++) {
      if (i < 8) {
        topSizes.put(ordered.get(i).getKey(), ordered.get(i).getValue().intValue());
      } else {
        topSizes.merge("other", ordered.get(i).getValue().intValue(), Integer::sum);
      }
    }
    Map<String, Integer> channels = new LinkedHashMap<>();
    kept.stream()
        .sorted(Comparator.comparingInt(Scanned::channels))
        .forEach(s -> channels.merge(Integer.toString(s.channels()), 1, Integer::sum));
    return new ImportResult.Statistics(
        min == 0 ? 0 : (double) max / min,
        topSizes,
        channels,
        kept.stream().mapToInt(Scanned::width).min().orElse(0),
        kept.stream().mapToInt(Scanned::width).max().orElse(0),
        kept.stream().mapToInt(Scanned::height).min().orElse(0),
        kept.stream().mapToInt(Scanned::height).max().orElse(0),
        median(kept.stream().mapToInt(s -> Math.min(s.width(), s.height())).sorted().toArray()));
  }

  private static int median(int[] sorted) {
    return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
  }
}
