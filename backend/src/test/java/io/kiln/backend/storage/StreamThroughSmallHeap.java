package io.kiln.backend.storage;

import io.kiln.backend.support.S3Server;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * Run in a JVM of its own with a heap smaller than the object ({@link S3BlobStoreTest}): stores
 * {@code size} bytes through {@link S3BlobStore} into a fresh S3Proxy, reads them back, and prints
 * the object's size, the heap's maximum and the most heap ever used.
 */
public final class StreamThroughSmallHeap {
  private StreamThroughSmallHeap() {}

  public static void main(String[] args) throws Exception {
    long size = Long.parseLong(args[1]);
    try (S3Server server = new S3Server(Path.of(args[0]), "kiln-heap");
        S3BlobStore store = new S3BlobStore(S3BlobStoreTest.config(server, ""))) {
      long stored =
          store.put("datasets/larger-than-the-heap.zip", new S3BlobStoreTest.Noise(size, 11));
      long read = 0;
      try (InputStream in = store.open("datasets/larger-than-the-heap.zip").orElseThrow()) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
          read += n;
        }
      }
      long peak =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
              .mapToLong(p -> p.getPeakUsage().getUsed())
              .sum();
      System.out.println(
          "STORED="
              + stored
              + " READ="
              + read
              + " MAX_HEAP="
              + Runtime.getRuntime().maxMemory()
              + " PEAK_HEAP_USED="
              + peak);
    }
  }
}
