package io.kiln.backend.dataset.archive;

import io.kiln.core.data.DecodeBudget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The first pass over an upload: enforces the limits and name rules entry by entry, and decodes and
 * hashes every image on all cores while the archive is still being read.
 */
final class Scanner {
  private static final Set<String> SPLIT_FOLDERS = Set.of("train", "val", "validation", "test");
  private final ImportLimits limits;
  private final DecodeBudget budget;
  private final List<String> litter = new ArrayList<>();
  private final List<String> notImages = new ArrayList<>();
  private final List<String> folders = new ArrayList<>();
  private final List<String> imageNames = new ArrayList<>();
  private final List<Future<Probed>> probes = new ArrayList<>();
  private long entries;
  private long uncompressed;

  private Scanner(ImportLimits limits, DecodeBudget budget) {
    this.limits = limits;
    this.budget = budget;
  }

  private record Probed(String hash, ImageProbe.Result result) {}

  static Scan scan(Path upload, ImportLimits limits, DecodeBudget budget) throws IOException {
    return new Scanner(limits, budget).run(upload);
  }

  private Scan run(Path upload) throws IOException {
    int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "kiln-dataset-scan");
              t.setDaemon(true);
              return t;
            });
    ArrayDeque<Future<Probed>> inFlight = new ArrayDeque<>();
    try (ArchiveReader reader = ArchiveReader.open(upload)) {
      reader.forEach(
          (entry, content) -> {
            accept(entry);
            if (entry.kind() != ArchiveEntry.Kind.FILE) {
              return;
            }
            String name = entry.name();
            if (name.equals(CanonicalWriter.MANIFEST)) {
              return;
            }
            if (Names.isLitter(name)) {
              litter.add(name);
              skip(entry, content, reader);
            } else if (Names.isArchiveName(name)) {
              throw nested(name);
            } else if (!Names.isImageName(name)) {
              notImages.add(name);
              skip(entry, content, reader);
            } else {
              byte[] bytes = read(entry, content, reader, true);
              if (Names.looksLikeArchive(bytes)) {
                throw nested(name);
              }
              imageNames.add(name);
              Future<Probed> probe =
                  pool.submit(
                      () ->
                          new Probed(
                              sha256(bytes),
                              ImageProbe.probe(bytes, limits.maxImagePixels(), budget)));
              probes.add(probe);
              inFlight.add(probe);
              while (inFlight.size() > 4 * threads) {
                join(inFlight.poll());
              }
            }
          });
      return assemble();
    } finally {
      pool.shutdownNow();
    }
  }

  private void accept(ArchiveEntry entry) {
    if (++entries > limits.maxEntries()) {
      throw ArchiveRefused.of("too-many-entries", "max", limits.maxEntries());
    }
    Names.check(entry.name());
    switch (entry.kind()) {
      case LINK -> throw ArchiveRefused.of("link", "name", Names.printable(entry.name()));
      case OTHER -> throw ArchiveRefused.of("special-file", "name", Names.printable(entry.name()));
      case DIR ->
          folders.add(
              entry.name().endsWith("/")
                  ? entry.name().substring(0, entry.name().length() - 1)
                  : entry.name());
      default -> {}
    }
  }

  /**
   * A file that is not kept still unpacks in a streamed archive (a tar's members are read in
   * order): it counts against the limits like an image, so a bomb cannot hide in a .txt.
   */
  private void skip(ArchiveEntry entry, InputStream in, ArchiveReader reader) throws IOException {
    if (reader.streamed()) {
      read(entry, in, reader, false);
    }
  }

  /** Reads one file, counting every byte against the limits as it arrives: headers can lie. */
  private byte[] read(ArchiveEntry entry, InputStream in, ArchiveReader reader, boolean keep)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[1 << 16];
    long size = 0;
    int n;
    while ((n = in.read(buffer)) > 0) {
      size += n;
      uncompressed += n;
      if (uncompressed > limits.maxUncompressedBytes()) {
        throw ArchiveRefused.of("too-large", "max", megabytes(limits.maxUncompressedBytes()));
      }
      double ratio =
          reader.streamed()
              ? (double) uncompressed / Math.max(1, reader.compressedBytesRead())
              : (double) size / Math.max(1, entry.compressedSize());
      long judged = reader.streamed() ? uncompressed : size;
      if (judged > ImportLimits.RATIO_GRACE_BYTES && ratio > limits.maxCompressionRatio()) {
        throw ArchiveRefused.of(
            "compression-bomb",
            "name",
            Names.printable(entry.name()),
            "ratio",
            (int) limits.maxCompressionRatio());
      }
      if (size > limits.maxImageBytes()) {
        throw ArchiveRefused.of(
            "image-too-large",
            "name",
            Names.printable(entry.name()),
            "max",
            megabytes(limits.maxImageBytes()));
      }
      if (keep) {
        out.write(buffer, 0, n);
      }
    }
    return out.toByteArray();
  }

  private Scan assemble() throws IOException {
    List<String> files = new ArrayList<>(imageNames);
    files.addAll(notImages);
    String wrapper = wrapper(files);
    boolean split = hasSplitFolders(files, wrapper);
    int classDepth = split ? 1 : 0;
    List<Scanned> images = new ArrayList<>();
    List<String> outside = new ArrayList<>();
    for (int i = 0; i < imageNames.size(); i++) {
      String raw = imageNames.get(i);
      String[] parts = raw.substring(wrapper.length()).split("/", classDepth + 2);
      Probed probed = join(probes.get(i));
      if (parts.length < classDepth + 2) {
        outside.add(raw);
        continue;
      }
      String folder = split ? splitName(parts[0]) : null;
      ImageProbe.Result r = probed.result();
      images.add(
          new Scanned(
              raw,
              folder,
              parts[classDepth],
              parts[classDepth + 1],
              probed.hash(),
              r.width(),
              r.height(),
              r.channels(),
              r.exifOrientation(),
              r.problem()));
    }
    List<String> otherFiles = new ArrayList<>();
    for (String name : notImages) {
      (name.substring(wrapper.length()).split("/").length < classDepth + 2 ? outside : otherFiles)
          .add(name);
    }
    Set<String> classFolders = new TreeSet<>();
    for (String folder : folders) {
      if (folder.startsWith(wrapper) && !Names.isLitter(folder + "/")) {
        String[] parts = folder.substring(wrapper.length()).split("/");
        if (parts.length == classDepth + 1 && !parts[classDepth].isEmpty()) {
          classFolders.add(parts[classDepth]);
        }
      }
    }
    return new Scan(images, classFolders, split, litter, otherFiles, outside);
  }

  /**
   * The single folder every file sits in when the dataset was zipped from its parent folder, else
   * "".
   */
  private static String wrapper(List<String> files) {
    String first = null;
    for (String name : files) {
      String[] parts = name.split("/");
      if (parts.length < 3 || SPLIT_FOLDERS.contains(parts[0].toLowerCase(Locale.ROOT))) {
        return "";
      }
      if (first == null) {
        first = parts[0];
      } else if (!first.equals(parts[0])) {
        return "";
      }
    }
    return first == null ? "" : first + "/";
  }

  private static boolean hasSplitFolders(List<String> files, String wrapper) {
    Set<String> tops = new TreeSet<>();
    for (String name : files) {
      String[] parts = name.substring(wrapper.length()).split("/");
      if (parts.length > 1) {
        tops.add(parts[0]);
      }
    }
    long splits =
        tops.stream().filter(t -> SPLIT_FOLDERS.contains(t.toLowerCase(Locale.ROOT))).count();
    if (splits > 0 && splits < tops.size()) {
      throw ArchiveRefused.of("mixed-layout", "folders", String.join(", ", tops));
    }
    return splits > 0;
  }

  private static String splitName(String folder) {
    String lower = folder.toLowerCase(Locale.ROOT);
    return lower.equals("validation") ? "val" : lower;
  }

  private static ArchiveRefused nested(String name) {
    return ArchiveRefused.of("nested-archive", "name", Names.printable(name));
  }

  private static Probed join(Future<Probed> probe) throws IOException {
    try {
      return probe.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while checking images", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof ArchiveRefused refused) {
        throw refused;
      }
      throw new IOException("checking an image failed", e.getCause());
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String megabytes(long bytes) {
    return bytes >= 1L << 30 ? (bytes >> 30) + " GiB" : (bytes >> 20) + " MiB";
  }
}
