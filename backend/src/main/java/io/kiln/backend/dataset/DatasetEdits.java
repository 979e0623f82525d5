package io.kiln.backend.dataset;

import io.kiln.backend.auth.Caller;
import io.kiln.backend.common.DataDirectory;
import io.kiln.backend.dataset.archive.SplitOptions;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A new dataset version made from an existing one with some images moved to another class or
 * removed (stored versions never change). Every image keeps its split (train, val or test), and the
 * new archive goes through the same validation as an upload.
 */
@ApplicationScoped
public class DatasetEdits {
  private static final String MANIFEST = "kiln-dataset.json";

  private final DatasetService datasets;
  private final DataDirectory dirs;

  DatasetEdits(DatasetService datasets, DataDirectory dirs) {
    this.datasets = datasets;
    this.dirs = dirs;
  }

  /**
   * What changes, by canonical image name ({@code split/class/file}).
   *
   * @param moves image to the class it moves to
   * @param removals images left out
   */
  public record Edit(Map<String, String> moves, Set<String> removals) {}

  public DatasetView apply(long datasetId, Edit edit, Caller caller) {
    Dataset dataset =
        QuarkusTransaction.requiringNew().call(() -> datasets.visible(datasetId, caller));
    Path edited = dirs.uploads().resolve("edited-" + UUID.randomUUID() + ".zip");
    try {
      rewrite(datasets.archive(dataset), edited, edit);
      return datasets.create(
          new DatasetService.Target(null, datasetId),
          edited,
          new SplitOptions("archive", SplitOptions.DEFAULT.valPercent(), 0, dataset.id),
          caller);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      edited.toFile().delete();
    }
  }

  /** Copies {@code source} with the edit applied; a moved image never overwrites another. */
  static void rewrite(Path source, Path target, Edit edit) throws IOException {
    try (ZipFile zip = new ZipFile(source.toFile());
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), 1 << 16);
        ZipOutputStream copy = new ZipOutputStream(out)) {
      Set<String> taken = new HashSet<>();
      zip.stream()
          .filter(e -> !e.isDirectory() && !edit.moves().containsKey(e.getName()))
          .forEach(e -> taken.add(e.getName()));
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        String name = entry.getName();
        if (entry.isDirectory() || name.equals(MANIFEST) || edit.removals().contains(name)) {
          continue;
        }
        String to = edit.moves().get(name);
        String written = to == null ? name : free(movedName(name, to), taken);
        taken.add(written);
        copy.putNextEntry(new ZipEntry(written));
        try (InputStream in = zip.getInputStream(entry)) {
          in.transferTo(copy);
        }
        copy.closeEntry();
      }
    }
  }

  /** {@code split/class/file} filed under {@code to} instead. */
  static String movedName(String name, String to) {
    String[] parts = name.split("/", 3);
    if (parts.length < 3) {
      throw new IllegalArgumentException("not a canonical image name: " + name);
    }
    return parts[0] + "/" + to + "/" + parts[2];
  }

  private static String free(String name, Set<String> taken) {
    if (!taken.contains(name)) {
      return name;
    }
    int dot = name.lastIndexOf('.');
    String stem = dot > name.lastIndexOf('/') ? name.substring(0, dot) : name;
    String ext = dot > name.lastIndexOf('/') ? name.substring(dot) : "";
    for (int i = 2; ; i++) {
      String candidate = stem + "-" + i + ext;
      if (!taken.contains(candidate)) {
        return candidate;
      }
    }
  }
}
