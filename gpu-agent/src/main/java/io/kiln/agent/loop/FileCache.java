package io.kiln.agent.loop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Files kept between runs on this agent, at most {@code maxBytes} of them: dataset archives (by
 * dataset id: a stored dataset version never changes, so an id names one content), pretrained
 * weights (by SHA-256) and stored features (by everything they depend on). A run on data or weights
 * this agent used before starts without downloading them again, and the files used longest ago make
 * room for new ones. A download is checked (SHA-256, when the backend gives one) before it is kept.
 */
final class FileCache {
  /** Fetches a file to the given path (the backend client's checked download). */
  interface Download {
    void to(Path file) throws IOException;
  }

  static final long DEFAULT_BYTES = 10L << 30;

  private final Path dir;
  private final long maxBytes;

  FileCache(Path dir, long maxBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
  }

  /** A dataset's archive: the kept copy, or downloaded now and kept. */
  Path dataset(long datasetId, Download download) throws IOException {
    return get(datasetId + ".zip", download);
  }

  /** The named file: the kept copy, or downloaded now and kept. */
  synchronized Path get(String name, Download download) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      Path part = dir.resolve(name + ".part");
      try {
        download.to(part);
        Files.move(part, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(part);
      }
    }
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
    trim(file);
    return file;
  }

  /**
   * Where a file that training writes itself (stored features) is kept; {@link #trim} counts it
   * once written.
   */
  Path place(String name) throws IOException {
    Files.createDirectories(dir);
    return dir.resolve(name);
  }

  /** Removes the files used longest ago while the cache holds more than its bound. */
  synchronized void trim(Path keep) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.filter(p -> !p.getFileName().toString().endsWith(".part"))
              .filter(Files::isRegularFile)
              .sorted(Comparator.comparing(FileCache::lastUsed))
              .toList();
    }
    long total = 0;
    for (Path p : files) {
      total += Files.size(p);
    }
    for (Path p : files) {
      if (total <= maxBytes) {
        return;
      }
      if (!p.equals(keep)) {
        total -= Files.size(p);
        Files.deleteIfExists(p);
      }
    }
  }

  private static FileTime lastUsed(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      return FileTime.fromMillis(0);
    }
  }
}
