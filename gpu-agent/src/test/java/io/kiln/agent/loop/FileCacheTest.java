package io.kiln.agent.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files kept between runs (issues 17 and 29): downloaded once, bounded, least recently used go
 * first.
 */
class FileCacheTest {
  @TempDir Path dir;

  @Test
  void aDatasetIsDownloadedOnceAndTheCopyUsedLongestAgoMakesRoom() throws Exception {
    FileCache cache = new FileCache(dir, 2_500);
    AtomicInteger downloads = new AtomicInteger();
    FileCache.Download kilobyte =
        file -> {
          downloads.incrementAndGet();
          Files.write(file, new byte[1_000]);
        };
    Path first = cache.dataset(1, kilobyte);
    assertEquals(first, cache.dataset(1, kilobyte));
    assertEquals(1, downloads.get(), "the second run on dataset 1 downloads nothing");
    cache.dataset(2, kilobyte);
    Thread.sleep(20);
    cache.dataset(1, kilobyte); // dataset 1 used again: dataset 2 is now the one used longest ago
    Thread.sleep(20);
    cache.dataset(3, kilobyte); // 3,000 bytes > 2,500: one copy must go
    assertEquals(3, downloads.get());
    assertTrue(Files.exists(dir.resolve("1.zip")));
    assertFalse(Files.exists(dir.resolve("2.zip")), "the copy used longest ago went");
    assertTrue(Files.exists(dir.resolve("3.zip")));
  }

  @Test
  void aFailedDownloadLeavesNothingToBeTakenForTheFile() throws Exception {
    FileCache cache = new FileCache(dir, 1 << 20);
    FileCache.Download broken =
        file -> {
          Files.write(file, new byte[10]);
          throw new java.io.IOException("connection reset");
        };
    org.junit.jupiter.api.Assertions.assertThrows(
        java.io.IOException.class, () -> cache.get("weights-abc.pth", broken));
    assertFalse(Files.exists(dir.resolve("weights-abc.pth")));
    assertFalse(Files.exists(dir.resolve("weights-abc.pth.part")));
  }
}
