package io.kiln.backend.storage;

import io.kiln.backend.common.DataDirectory;
import io.kiln.backend.common.KilnConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Datasets', models' and backbones' files by key ({@code datasets/12.zip}). With {@code
 * kiln.storage.kind=files} a key is a file under the data directory. With {@code s3} the object in
 * the bucket is the truth, shared by every backend replica, and readers (thumbnails, predictions,
 * downloads) get a local copy from a size-bounded cache under {@code <data-dir>/cache}, fetched on
 * first use; agents may download straight from the bucket ({@link #downloadUrl}).
 */
@ApplicationScoped
public class StoredFiles {
  private static final Logger LOG = Logger.getLogger(StoredFiles.class);

  /** How long an agent's direct download address stays valid. */
  static final Duration URL_VALID = Duration.ofMinutes(30);

  /** A cached copy used within this long is never evicted (a reader may be opening it). */
  private static final long RECENT_NANOS = Duration.ofMinutes(2).toNanos();

  private final Path root;
  private final Path cache;
  private final BlobStore remote;
  private final long cacheBytes;
  private final Map<String, Long> lastUse = new ConcurrentHashMap<>();

  StoredFiles(DataDirectory dirs, KilnConfig config, BlobStore store) {
    this.root = dirs.root();
    boolean s3 = "s3".equals(config.storage().kind());
    this.remote = s3 ? store : null;
    this.cache = root.resolve("cache");
    this.cacheBytes = config.storage().cacheMib() << 20;
  }

  /**
   * Keeps the local {@code file} under {@code key} for good: moved into place, or uploaded to the
   * bucket (and kept in the cache, where it already is). The file is gone from where it was.
   */
  public void keep(Path file, String key) {
    try {
      if (remote == null) {
        move(file, root.resolve(FileBlobStore.checked(key)));
        return;
      }
      try (InputStream in = Files.newInputStream(file)) {
        remote.put(key, in);
      }
      move(file, cached(key));
      lastUse.put(key, System.nanoTime());
      trimCache();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store " + key + ": " + e.getMessage(), e);
    }
  }

  /**
   * A local file with the object's content, for readers that need a path (zip files are read by
   * random access).
   */
  public Path local(String key) {
    if (remote == null) {
      return root.resolve(FileBlobStore.checked(key));
    }
    Path copy = cached(key);
    lastUse.put(key, System.nanoTime());
    if (Files.isRegularFile(copy)) {
      return copy;
    }
    Path part = copy.resolveSibling(copy.getFileName() + "." + UUID.randomUUID() + ".part");
    try (InputStream in =
        remote.open(key).orElseThrow(() -> new NoSuchFileException("no object " + key))) {
      DataDirectory.privateFolder(copy.getParent());
      Files.copy(in, part);
      move(part, copy);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot fetch " + key + ": " + e.getMessage(), e);
    } finally {
      part.toFile().delete();
    }
    trimCache();
    return copy;
  }

  /** Where an agent may download the object without the backend; empty for local files. */
  public Optional<URI> downloadUrl(String key) {
    return remote == null ? Optional.empty() : remote.downloadUrl(key, URL_VALID);
  }

  /** Removes the object (and its cached copy); nothing happens when there is none. */
  public void delete(String key) {
    try {
      if (remote != null) {
        remote.delete(key);
        Files.deleteIfExists(cached(key));
      } else {
        Files.deleteIfExists(root.resolve(FileBlobStore.checked(key)));
      }
    } catch (IOException e) {
      LOG.warnf("could not delete %s: %s", key, e.getMessage());
    }
  }

  private Path cached(String key) {
    return cache.resolve(FileBlobStore.checked(key));
  }

  /** Evicts the copies used longest ago while the cache holds more than its bound. */
  private synchronized void trimCache() {
    if (!Files.isDirectory(cache)) {
      return;
    }
    List<Path> files;
    try (Stream<Path> walk = Files.walk(cache)) {
      files = walk.filter(Files::isRegularFile).toList();
    } catch (IOException e) {
      return;
    }
    long total = files.stream().mapToLong(StoredFiles::size).sum();
    if (total <= cacheBytes) {
      return;
    }
    long now = System.nanoTime();
    Comparator<Path> oldestFirst =
        Comparator.comparingLong(p -> lastUse.getOrDefault(key(p), Long.MIN_VALUE));
    for (Path p : files.stream().sorted(oldestFirst).toList()) {
      if (total <= cacheBytes) {
        return;
      }
      Long used = lastUse.get(key(p));
      if (used != null && now - used < RECENT_NANOS) {
        continue;
      }
      long size = size(p);
      if (p.toFile().delete()) {
        total -= size;
        lastUse.remove(key(p));
      }
    }
  }

  private String key(Path cachedFile) {
    return cache.relativize(cachedFile).toString().replace('\\', '/');
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  private static void move(Path from, Path to) throws IOException {
    DataDirectory.privateFolder(to.getParent());
    DataDirectory.privateFile(
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE));
  }
}
