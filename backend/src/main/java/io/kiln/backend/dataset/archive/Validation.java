package io.kiln.backend.dataset.archive;

import io.kiln.core.data.StratifiedSplit;
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
    skipped(
        scan.litter(),
        "system-files",
        "info",
        "operating-system files (hidden files, __MACOSX, Thumbs.db)",
        "ignored them",
        "nothing to do");
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
        (format, files) ->
            skipped(
                files,
                "unsupported-format",
                "warning",
                format + " photos, a format Kiln cannot read yet",
                "skipped them",
                "convert them to JPEG and upload a new version (on a Mac: open them in Preview and"
                    + " choose File > Export > JPEG; on an iPhone, Settings > Camera > Formats >"
                    + " Most Compatible takes JPEG photos from then on)"));
    this.unsupported = unsupported;
    skipped(
        notImages,
        "not-an-image",
        "warning",
        "files that are not images (.png, .jpg, .jpeg, .bmp, .gif, .webp, .tif and .tiff are"
            + " read)",
        "skipped them",
        "convert them to PNG or JPEG if they belong to the dataset");
    skipped(
        scan.outsideClassFolders(),
        "outside-class-folder",
        "warning",
        "files that are not inside a class folder",
        "skipped them",
        "put every image in a folder named after its class (e.g. cats/1.png)");
    List<Scanned> images = new ArrayList<>();
    for (Scanned s : scan.images()) {
      if (s.problem() == null) {
        images.add(s);
      }
    }
    skipped(
        names(scan.images(), s -> "truncated".equals(s.problem())),
        "truncated",
        "warning",
        "images that end too early (cut off while copying or downloading)",
        "skipped them",
        "copy the originals again and upload a new version");
    skipped(
        names(scan.images(), s -> "undecodable".equals(s.problem())),
        "undecodable",
        "warning",
        "files that cannot be decoded as images (corrupt, or not really the format their name says)",
        "skipped them",
        "open them on your computer; re-export or remove them");
    images = duplicates(images);
    boolean archiveSplits =
        options.mode() == null ? scan.hasSplitFolders() : options.mode().equals("archive");
    if (archiveSplits && !scan.hasSplitFolders()) {
      refuse(
          "no-split-folders",
          "the archive has no train/val/test folders to keep; choose the automatic split");
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
    skipped(
        conflicting,
        "conflicting-labels",
        "warning",
        "identical images filed under different classes",
        "left out every copy: the same picture cannot teach two different answers",
        "decide which class each belongs to, keep it there only, and upload a new version");
    skipped(
        leaked,
        "split-leakage",
        "warning",
        "identical images in more than one split (train and val/test)",
        "kept the first copy (train before val before test) and removed the others, so validation and test only"
            + " score images the model has not trained on",
        "remove the copies from your val/test folders");
    skipped(
        copies,
        "duplicate-in-class",
        "info",
        "exact copies of another image in the same class",
        "kept one copy of each",
        "nothing to do; copies would only weigh those images twice");
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
              empty.size() + " class folder(s) have no usable images: " + String.join(", ", empty),
              empty,
              "left those classes out",
              "add images to them, or remove the folders if they are not classes"));
    }
    if (counts.isEmpty() && !unsupported.isEmpty()) {
      refuse(
          "unsupported-format",
          "the archive has no images Kiln can read: "
              + unsupported.entrySet().stream()
                  .map(e -> e.getValue().size() + " " + e.getKey() + " photo(s)")
                  .collect(Collectors.joining(", "))
              + " are in a format Kiln cannot read yet; convert them to JPEG (on a Mac: Preview,"
              + " File > Export > JPEG) and upload again");
    }
    if (counts.isEmpty()) {
      refuse(
          "no-images",
          "the archive has no usable images in class folders: put the images in one folder per"
              + " class (e.g. cats/1.png, dogs/2.png) and zip the parent folder");
    }
    if (counts.size() < 2) {
      refuse(
          "single-class",
          "the archive has only one class ('"
              + counts.firstKey()
              + "'); a classifier needs at"
              + " least two class folders");
    }
    List<String> tooFew =
        counts.entrySet().stream().filter(e -> e.getValue() < 2).map(Map.Entry::getKey).toList();
    if (!tooFew.isEmpty()) {
      refuse(
          "too-few-images",
          "class '"
              + tooFew.get(0)
              + "' has only one image; every class needs at least two"
              + " (one to learn from, one to check), better "
              + limits.fewImagesPerClass()
              + " or more");
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
              few.size()
                  + " class(es) have fewer than "
                  + limits.fewImagesPerClass()
                  + " images: "
                  + String.join(", ", few),
              List.of(),
              "kept them; a class of" + " two has no test image",
              "add images to these classes: a handful is too few to learn or to judge"));
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
        refuse(
            "class-missing-from-train",
            "class '"
                + cls
                + "' has images in val/test but none in train; the model"
                + " cannot learn a class it never sees");
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
      findings.add(
          Finding.of(
              "split-carved",
              "info",
              "the archive has no "
                  + (val > 0 && test > 0 ? "val or test" : val > 0 ? "val" : "test")
                  + " folder",
              List.of(),
              "took a stratified "
                  + (val > 0 ? options.valPercent() + " % for validation " : "")
                  + (test > 0 ? options.testPercent() + " % for test " : "")
                  + "from train"
                  + " (seed "
                  + options.seed()
                  + ")",
              "nothing to do"));
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
              "imbalance",
              "warning",
              String.format(
                  "the classes are imbalanced: the largest has"
                      + " %.1f times the training images of the smallest",
                  (double) max / min),
              List.of(),
              "kept them as they are",
              "turn on 'Balance classes' in the recipe (it oversamples small classes in the training split only, T16)"
                  + " or add images to the small classes"));
    }
    Map<Integer, Long> channels =
        kept.stream().collect(Collectors.groupingBy(Scanned::channels, Collectors.counting()));
    if (channels.size() > 1) {
      findings.add(
          Finding.of(
              "mixed-channels",
              "info",
              "the images mix channel counts: "
                  + channels.entrySet().stream()
                      .map(e -> e.getValue() + " with " + e.getKey())
                      .collect(Collectors.joining(", ")),
              List.of(),
              "every image is trained in colour (RGB); gray images repeat their gray value in the three channels",
              "nothing to do"));
    }
    long shapes = kept.stream().map(s -> s.width() + "x" + s.height()).distinct().count();
    if (shapes > 1) {
      findings.add(
          Finding.of(
              "mixed-sizes",
              "info",
              "the images come in " + shapes + " different sizes",
              List.of(),
              "every image is resized to the recipe's input size (T17)",
              "nothing to do; if shapes differ a lot, crop the images to a similar aspect ratio first"));
    }
    List<String> rotated =
        kept.stream().filter(s -> s.exifOrientation() != 1).map(Scanned::rawName).toList();
    if (!rotated.isEmpty()) {
      findings.add(
          Finding.of(
              "exif-rotation",
              "info",
              "photos carry a camera rotation flag (EXIF orientation)",
              rotated,
              "turned them upright as the flag asks, like a photo viewer: training, thumbnails and the browser"
                  + " all see them the same way",
              "nothing to do; if one still looks wrong in the gallery, its flag is"
                  + " wrong: save it upright without the flag and upload a new version"));
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

  private void skipped(
      List<String> files, String kind, String severity, String what, String action, String advice) {
    if (!files.isEmpty()) {
      findings.add(Finding.of(kind, severity, files.size() + " " + what, files, action, advice));
    }
  }

  private void refuse(String kind, String message) {
    findings.add(
        Finding.of(
            kind,
            "error",
            message,
            List.of(),
            "refused the dataset",
            "fix the archive and upload" + " it again"));
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
