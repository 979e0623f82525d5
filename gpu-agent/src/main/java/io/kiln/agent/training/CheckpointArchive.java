package io.kiln.agent.training;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A checkpoint folder as one file, to move it between agents through the backend: the last epoch's
 * state ({@code latest/}: parameters, optimizer state, progress) and the best epoch's parameters.
 */
public final class CheckpointArchive {
  private CheckpointArchive() {}

  /** Packs the folder's current checkpoint into {@code target}. */
  public static Path pack(Path checkpointDir, Path target) throws IOException {
    Path latest = checkpointDir.resolve("latest");
    if (!Files.isDirectory(latest)) {
      throw new IOException("no checkpoint in " + checkpointDir);
    }
    try (ZipOutputStream zip =
        new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(target)))) {
      // Parameters are dense floats: storing them is as small as deflating them, and faster.
      zip.setLevel(1);
      List<Path> files;
      try (Stream<Path> listed = Files.list(latest)) {
        files = listed.sorted().toList();
      }
      for (Path file : files) {
        add(zip, "latest/" + file.getFileName(), file);
      }
      Path best = checkpointDir.resolve("best.params");
      if (Files.exists(best)) {
        add(zip, "best.params", best);
      }
    }
    return target;
  }

  /** Unpacks an archive made by {@link #pack} into an empty checkpoint folder. */
  public static void unpack(Path archive, Path checkpointDir) throws IOException {
    Files.createDirectories(checkpointDir.resolve("latest"));
    Path root = checkpointDir.toAbsolutePath().normalize();
    try (ZipInputStream zip =
        new ZipInputStream(new BufferedInputStream(Files.newInputStream(archive)))) {
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        Path target = root.resolve(entry.getName()).normalize();
        boolean known =
            entry.getName().equals("best.params")
                || (entry.getName().startsWith("latest/")
                    && target.getParent().equals(root.resolve("latest")));
        if (entry.isDirectory() || !known || !target.startsWith(root)) {
          throw new IOException("unexpected entry in the checkpoint: " + entry.getName());
        }
        Files.copy(zip, target);
      }
    }
  }

  private static void add(ZipOutputStream zip, String name, Path file) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    try (InputStream in = Files.newInputStream(file)) {
      in.transferTo(zip);
    }
    zip.closeEntry();
  }
}
