package io.kiln.backend.storage;

import io.kiln.backend.common.DataDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Objects as private files under {@code <data-dir>/blobs}: written to a temporary file, flushed to
 * disk, then renamed over the old one.
 */
public class FileBlobStore implements BlobStore {
  private static final Pattern KEY =
      Pattern.compile("[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*");
  private final Path root;

  FileBlobStore(Path root) {
    this.root = root;
  }

  @Override
  public long put(String key, InputStream content) throws IOException {
    Path target = path(key);
    DataDirectory.privateFolder(target.getParent());
    Path part = target.resolveSibling(target.getFileName() + "." + UUID.randomUUID() + ".part");
    try {
      long size = Files.copy(content, part);
      DataDirectory.privateFile(part);
      try (FileChannel channel = FileChannel.open(part, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return size;
    } finally {
      Files.deleteIfExists(part);
    }
  }

  @Override
  public Optional<InputStream> open(String key) throws IOException {
    try {
      return Optional.of(Files.newInputStream(path(key)));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public boolean exists(String key) {
    return Files.isRegularFile(path(key));
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(path(key));
  }

  @Override
  public void deleteUnder(String prefix) throws IOException {
    Path folder = path(prefix);
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private Path path(String key) {
    return root.resolve(checked(key));
  }

  /** The key when it is one (lower-case names separated by slashes), else an error naming it. */
  static String checked(String key) {
    if (key == null || !KEY.matcher(key).matches() || key.contains("..")) {
      throw new IllegalArgumentException("not a storage key: " + key);
    }
    return key;
  }
}
