package io.kiln.backend.common;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The folders under {@code kiln.data-dir}; storage code asks here rather than building paths
 * itself.
 */
@ApplicationScoped
public class DataDirectory {
  private static final Set<PosixFilePermission> FOLDER =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private final Path root;

  DataDirectory(KilnConfig config) {
    this.root = Path.of(config.dataDir()).toAbsolutePath().normalize();
  }

  /**
   * Nothing is being uploaded while the backend starts, so whatever an earlier process left in the
   * upload folder (it died half way through an upload) is removed.
   */
  void onStart(@Observes StartupEvent event) throws IOException {
    Path uploads = uploads();
    try (Stream<Path> files = Files.walk(uploads)) {
      files.filter(Files::isRegularFile).forEach(p -> p.toFile().delete());
    }
    restrict(root);
  }

  /**
   * Only Kiln's own user may read its data: folders become 0700 and files 0600 (the database, the
   * datasets, the models), on file systems that have POSIX permissions. The launch script also sets
   * umask 077, so files created later (by H2 too) start private.
   */
  static void restrict(Path root) throws IOException {
    if (!Files.getFileStore(root).supportsFileAttributeView(PosixFileAttributeView.class)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        if (Files.isSymbolicLink(path)) {
          continue;
        }
        Files.setPosixFilePermissions(path, Files.isDirectory(path) ? FOLDER : FILE);
      }
    }
  }

  /** Makes a stored file private (0600); call it on every file Kiln writes into its data. */
  public static Path privateFile(Path file) {
    try {
      if (Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
        Files.setPosixFilePermissions(file, FILE);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restrict " + file, e);
    }
  }

  public Path root() {
    return root;
  }

  public Path datasets() {
    return folder("datasets");
  }

  public Path models() {
    return folder("models");
  }

  public Path backbones() {
    return folder("backbones");
  }

  public Path uploads() {
    return folder("uploads");
  }

  private Path folder(String name) {
    return privateFolder(root.resolve(name));
  }

  /** Creates the folder (and those above it that are missing) as 0700; returns it. */
  public static Path privateFolder(Path folder) {
    try {
      if (Files.isDirectory(folder)) {
        return folder;
      }
      Path parent = folder.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        privateFolder(parent);
      }
      return Files.getFileStore(parent).supportsFileAttributeView(PosixFileAttributeView.class)
          ? Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(FOLDER))
          : Files.createDirectory(folder);
    } catch (java.nio.file.FileAlreadyExistsException raced) {
      return folder; // made at the same moment by another request
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + folder, e);
    }
  }
}
