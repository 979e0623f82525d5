package io.kiln.backend.dataset.archive;

import io.kiln.core.data.StratifiedSplit;
import io.kiln.core.i18n.Text;
import io.kiln.core.i18n.Texts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The judgement over everything the scan found: which images are kept, in which split, and what the
 * user is told about it. Pure logic; no I/O.
 */
final class Validation {
  static final List<String> SPLITS = List.of("train", "val", "test");
  private final List<Finding> findings = new ArrayList<>();
  private final ImportLimits limits;
  private Map<String, List<String>> unsupported = Map.of();

  private Validation(ImportLimits limits) {
    this.limits = limits;
  }

  /** The kept images with their final split, and the findings. */
  record Plan(
      List<Scanned> kept, List<String> classNames, List<Finding> findings, String splitMode) {}

  static Plan plan(Scan scan, SplitOptions options, ImportLimits limits) {
    return new Validation(limits).run(scan, options);
  }

  private Plan run(Scan scan, SplitOptions options) {
    skipped(scan.litter(), "system-files", "info");
    Map<String, List<String>> unsupported = new TreeMap<>();
    List<String> notImages = new ArrayList<>();
    for (String name : scan.notImages()) {
      String format = Names.unsupportedPhoto(name);
      if (format == null) {
        notImages.add(name);
      } else {
        unsupported.computeIfAbsent(format, f -> new ArrayList<>()).add(name);
      }
    }
    unsupported.forEach(
        (format, files) -> skipped(files, "unsupported-format", "warning", "format", format));
    this.unsupported = unsupported;
    skipped(notImages, "not-an-image", "warning");
    skipped(scan.outsideClassFolders(), "outside-class-folder", "warning");
    List<Scanned> images = new ArrayList<>();
    for (Scanned s : scan.images()) {
      if (s.problem() == null) {
        images.add(s);
      }
    }
    skipped(names(scan.images(), s -> "truncated".equals(s.problem())), "truncated", "warning");
    skipped(names(scan.images(), s -> "undecodable".equals(s.problem())), "undecodable", "warning");
    skipped(names(scan.images(), s -> "too-costly".equals(s.problem())), "too-costly", "warning");
    images = duplicates(images);
    boolean archiveSplits =
        options.mode() == null ? scan.hasSplitFolders() : options.mode().equals("archive");
    if (archiveSplits && !scan.hasSplitFolders()) {
      refuse("no-split-folders");
    }
    List<String> classes = classes(images, scan.classFolders());
    List<Scanned> kept =
        archiveSplits
            ? archiveSplit(images, classes, options)
            : autoSplit(images, classes, options);
    describe(kept, classes);
    return new Plan(kept, classes, List.copyOf(findings), archiveSplits ? "archive" : "auto");
  }

  /**
   * Conflicting labels first (all copies go), then leakage across splits, then copies within a
   * class.
   */
  private List<Scanned> duplicates(List<Scanned> images) {
    Map<String, List<Scanned>> byHash =
        images.stream()
            .sorted(Comparator.comparing(Validation::order))
            .collect(Collectors.groupingBy(Scanned::hash, LinkedHashMap::new, Collectors.toList()));
    List<String> conflicting = new ArrayList<>();
    List<String> leaked = new ArrayList<>();
    List<String> copies = new ArrayList<>();
    Set<String> dropped = new TreeSet<>();
    for (List<Scanned> same : byHash.values()) {
      if (same.size() < 2) {
        continue;
      }
      if (same.stream().map(Scanned::className).distinct().count() > 1) {
        same.forEach(s -> conflicting.add(s.rawName()));
        same.forEach(s -> dropped.add(s.rawName()));
        continue;
      }
      Scanned first = same.get(0);
      for (Scanned other : same.subList(1, same.size())) {
        (Objects.equals(other.split(), first.split()) ? copies : leaked).add(other.rawName());
        dropped.add(other.rawName());
      }
    }
    skipped(conflicting, "conflicting-labels", "warning");
    skipped(leaked, "split-leakage", "warning");
    skipped(copies, "duplicate-in-class", "info");
    return images.stream().filter(s -> !dropped.contains(s.rawName())).toList();
  }

  private List<String> classes(List<Scanned> images, Set<String> classFolders) {
    TreeMap<String, Integer> counts = new TreeMap<>();
    images.forEach(s -> counts.merge(s.className(), 1, Integer::sum));
    List<String> empty = classFolders.stream().filter(c -> !counts.containsKey(c)).toList();
    if (!empty.isEmpty()) {
      findings.add(
          Finding.of(
              "empty-class",
              "warning",
              empty,
              "count",
              empty.size(),
              "classes",
              String.join(", ", empty)));
    }
    if (counts.isEmpty() && !unsupported.isEmpty()) {
      refuse(
          "unsupported-format",
          "photos",
          unsupported.entrySet().stream()
              .map(e -> e.getValue().size() + " " + e.getKey())
              .collect(Collectors.joining(", ")));
    }
    if (counts.isEmpty()) {
      refuse("no-images");
    }
    if (counts.size() < 2) {
      refuse("single-class", "name", counts.firstKey());
    }
    List<String> tooFew =
        counts.entrySet().stream().filter(e -> e.getValue() < 2).map(Map.Entry::getKey).toList();
    if (!tooFew.isEmpty()) {
      refuse("too-few-images", "name", tooFew.get(0), "better", limits.fewImagesPerClass());
    }
    List<String> few =
        counts.entrySet().stream()
            .filter(e -> e.getValue() < limits.fewImagesPerClass())
            .map(e -> e.getKey() + " (" + e.getValue() + ")")
            .toList();
    if (!few.isEmpty()) {
      findings.add(
          Finding.of(
              "few-images",
              "warning",
              List.of(),
              "count",
              few.size(),
              "limit",
              limits.fewImagesPerClass(),
              "classes",
              String.join(", ", few)));
    }
    return List.copyOf(counts.keySet());
  }

  private List<Scanned> autoSplit(
      List<Scanned> images, List<String> classes, SplitOptions options) {
    Set<String> taken = new TreeSet<>();
    List<Scanned> sorted =
        images.stream()
            .sorted(
                Comparator.comparing(Scanned::className)
                    .thenComparing(Scanned::path)
                    .thenComparing(s -> String.valueOf(s.split())))
            .map(
                s ->
                    taken.add(s.className() + "/" + s.path())
                        ? s
                        : s.withPath(s.split() + "-" + s.path()))
            .toList();
    int[] labels = sorted.stream().mapToInt(s -> classes.indexOf(s.className())).toArray();
    StratifiedSplit.ThreeWay split =
        StratifiedSplit.of(
            labels, options.valPercent() / 100.0, options.testPercent() / 100.0, options.seed());
    List<Scanned> out = new ArrayList<>();
    assign(out, sorted, split.train(), "train");
    assign(out, sorted, split.validation(), "val");
    assign(out, sorted, split.test(), "test");
    return unique(out);
  }

  /**
   * The uploader's folders; a missing val or test folder is carved from train with the chosen
   * shares.
   */
  private List<Scanned> archiveSplit(
      List<Scanned> images, List<String> classes, SplitOptions options) {
    Set<String> present = images.stream().map(Scanned::split).collect(Collectors.toSet());
    for (String cls : classes) {
      if (images.stream().noneMatch(s -> s.className().equals(cls) && "train".equals(s.split()))) {
        refuse("class-missing-from-train", "name", cls);
      }
    }
    List<Scanned> out =
        new ArrayList<>(images.stream().filter(s -> !"train".equals(s.split())).toList());
    List<Scanned> train =
        images.stream()
            .filter(s -> "train".equals(s.split()))
            .sorted(Comparator.comparing(Scanned::className).thenComparing(Scanned::path))
            .toList();
    double val = present.contains("val") ? 0 : options.valPercent() / 100.0;
    double test = present.contains("test") ? 0 : options.testPercent() / 100.0;
    if (val > 0 || test > 0) {
      String missing = val > 0 && test > 0 ? "both" : val > 0 ? "val" : "test";
      findings.add(
          Finding.of(
              "split-carved",
              "info",
              Text.of("finding.split-carved." + missing),
              List.of(),
              Text.of(
                  "finding.split-carved.action." + missing,
                  "val",
                  options.valPercent(),
                  "test",
                  options.testPercent(),
                  "seed",
                  options.seed()),
              Text.of("finding.nothing-to-do")));
    }
    int[] labels = train.stream().mapToInt(s -> classes.indexOf(s.className())).toArray();
    StratifiedSplit.ThreeWay split = StratifiedSplit.of(labels, val, test, options.seed());
    assign(out, train, split.train(), "train");
    assign(out, train, split.validation(), "val");
    assign(out, train, split.test(), "test");
    return unique(out);
  }

  /** Statistics-based findings: imbalance, mixed shapes and channels, rotation flags. */
  private void describe(List<Scanned> kept, List<String> classes) {
    Map<String, Long> train =
        kept.stream()
            .filter(s -> s.split().equals("train"))
            .collect(Collectors.groupingBy(Scanned::className, Collectors.counting()));
    long max = train.values().stream().mapToLong(Long::longValue).max().orElse(0);
    long min = classes.stream().mapToLong(c -> train.getOrDefault(c, 0L)).min().orElse(0);
    if (min > 0 && max > 3 * min) {
      findings.add(
          Finding.of(
              "imbalance", "warning", List.of(), "times", Texts.fixed((double) max / min, 1)));
    }
    Map<Integer, Long> channels =
        kept.stream().collect(Collectors.groupingBy(Scanned::channels, Collectors.counting()));
    if (channels.size() > 1) {
      findings.add(
          Finding.of(
              "mixed-channels",
              "info",
              List.of(),
              "counts",
              channels.entrySet().stream()
                  .map(e -> e.getValue() + " × " + e.getKey())
                  .collect(Collectors.joining(", "))));
    }
    long shapes = kept.stream().map(s -> s.width() + "x" + s.height()).distinct().count();
    if (shapes > 1) {
      findings.add(Finding.of("mixed-sizes", "info", List.of(), "count", shapes));
    }
    List<String> rotated =
        kept.stream().filter(s -> s.exifOrientation() != 1).map(Scanned::rawName).toList();
    if (!rotated.isEmpty()) {
      findings.add(Finding.of("exif-rotation", "info", rotated));
    }
  }

  private static void assign(List<Scanned> out, List<Scanned> source, int[] indices, String split) {
    for (int i : indices) {
      out.add(source.get(i).withSplit(split));
    }
  }

  /**
   * Two images whose canonical names coincide (e.g. the same file name in train and val) keep the
   * first.
   */
  private List<Scanned> unique(List<Scanned> images) {
    Set<String> names = new TreeSet<>();
    return images.stream().filter(s -> names.add(s.canonicalName())).toList();
  }

  /** Files left out: finding.{kind} ("{count} files that ..."), its .action and .advice. */
  private void skipped(List<String> files, String kind, String severity, Object... args) {
    if (!files.isEmpty()) {
      Object[] all = new Object[args.length + 2];
      all[0] = "count";
      all[1] = files.size();
      System.arraycopy(args, 0, all, 2, args.length);
      findings.add(Finding.of(kind, severity, files, all));
    }
  }

  /** Refuses the whole dataset with the sentence refused.{kind}. */
  private void refuse(String kind, Object... args) {
    Text message = Text.of("refused." + kind, args);
    findings.add(Finding.refusal(kind, message));
    throw new ArchiveRefused(kind, message, findings);
  }

  private static List<String> names(List<Scanned> images, Predicate<Scanned> filter) {
    return images.stream().filter(filter).map(Scanned::rawName).toList();
  }

  /** Train before val before test, then by name: the copy that is kept comes first. */
  private static String order(Scanned s) {
    return (s.split() == null ? 0 : SPLITS.indexOf(s.split())) + "/" + s.rawName();
  }
}
