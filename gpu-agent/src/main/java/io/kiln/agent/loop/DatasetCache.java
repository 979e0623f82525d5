package io.kiln.agent.loop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Dataset archives kept between runs on this agent, by dataset id (a stored dataset version never
 * changes, so an id names one content), at most {@code maxBytes} of them: a run on a dataset this
 * agent trained on before starts without downloading it again, and the copies used longest ago make
 * room for new ones. A download is checked (SHA-256, when the backend gives one) before it is kept.
 */
final class DatasetCache {
  /** Fetches an archive to the given file (the backend client's checked download). */
  interface Download {
    void to(Path file) throws IOException;
  }

  static final long DEFAULT_BYTES = 10L << 30;

  private final Path dir;
  private final long maxBytes;

  DatasetCache(Path dir, long maxBytes) {
    this.dir = dir;
    this.maxBytes = maxBytes;
  }

  /** The dataset's archive: the kept copy, or downloaded now and kept. */
  synchronized Path get(long datasetId, Download download) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(datasetId + ".zip");
    if (!Files.isRegularFile(file)) {
      download.to(file);
    }
    Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
    trim(file);
    return file;
  }

  /** Removes the copies used longest ago while the cache holds more than its bound. */
  private void trim(Path keep) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.filter(p -> p.toString().endsWith(".zip"))
              .sorted(Comparator.comparing(DatasetCache::lastUsed))
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
