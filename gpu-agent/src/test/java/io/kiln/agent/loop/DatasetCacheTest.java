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
 * Datasets kept between runs (issue 17): downloaded once, bounded, least recently used go first.
 */
class DatasetCacheTest {
  @TempDir Path dir;

  @Test
  void aDatasetIsDownloadedOnceAndTheCopyUsedLongestAgoMakesRoom() throws Exception {
    DatasetCache cache = new DatasetCache(dir, 2_500);
    AtomicInteger downloads = new AtomicInteger();
    DatasetCache.Download kilobyte =
        file -> {
          downloads.incrementAndGet();
          Files.write(file, new byte[1_000]);
        };
    Path first = cache.get(1, kilobyte);
    assertEquals(first, cache.get(1, kilobyte));
    assertEquals(1, downloads.get(), "the second run on dataset 1 downloads nothing");
    cache.get(2, kilobyte);
    Thread.sleep(20);
    cache.get(1, kilobyte); // dataset 1 used again: dataset 2 is now the one used longest ago
    Thread.sleep(20);
    cache.get(3, kilobyte); // 3,000 bytes > 2,500: one copy must go
    assertEquals(3, downloads.get());
    assertTrue(Files.exists(dir.resolve("1.zip")));
    assertFalse(Files.exists(dir.resolve("2.zip")), "the copy used longest ago went");
    assertTrue(Files.exists(dir.resolve("3.zip")));
  }
}
