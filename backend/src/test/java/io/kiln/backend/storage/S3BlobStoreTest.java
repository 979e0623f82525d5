package io.kiln.backend.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.support.S3Server;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The S3 blob store against a real S3 API server (S3Proxy on the file system), no mock. */
class S3BlobStoreTest {
  @TempDir static Path dir;
  private static S3Server server;
  private static S3BlobStore store;

  @BeforeAll
  static void start() throws Exception {
    server = new S3Server(dir.resolve("s3"), "kiln-test");
    store = new S3BlobStore(config(server, "install-1/"));
  }

  @AfterAll
  static void stop() throws Exception {
    store.close();
    server.close();
  }

  @Test
  void storesReadsReplacesAndDeletesAnObject() throws IOException {
    String key = "checkpoints/run-1/epoch-1.zip";
    assertFalse(store.exists(key));
    assertTrue(store.open(key).isEmpty());
    assertEquals(5, store.put(key, text("first")));
    assertEquals(6, store.put(key, text("second")));
    assertTrue(store.exists(key));
    assertEquals("second", read(store.open(key)));
    assertTrue(Files.isRegularFile(server.file("install-1/" + key)), "under the key prefix");
    store.delete(key);
    assertFalse(store.exists(key));
    store.delete(key); // nothing there: nothing happens
  }

  @Test
  void aLargeObjectGoesUpInPartsAndReadsBackWhole() throws Exception {
    long size = 3L * S3BlobStore.MIN_PART + 12_345; // four parts, the last a small one
    String key = "datasets/big.zip";
    assertEquals(size, store.put(key, new Noise(size, 7)));
    MessageDigest sent = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new Noise(size, 7)) {
      sent.update(in.readAllBytes());
    }
    MessageDigest stored = MessageDigest.getInstance("SHA-256");
    try (InputStream in = store.open(key).orElseThrow()) {
      stored.update(in.readAllBytes());
    }
    assertArrayEquals(sent.digest(), stored.digest());
    assertEquals(size, Files.size(server.file("install-1/" + key)));
  }

  /**
   * An object larger than the whole heap goes up and comes back: run in a JVM with a 96 MiB heap,
   * 256 MiB pass through, never more than one part (5 MiB here) in memory at a time.
   */
  @Test
  void anObjectLargerThanTheHeapStreamsThrough() throws Exception {
    long size = 256L << 20;
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                StreamThroughSmallHeap.class.getName(),
                dir.resolve("heap-s3").toString(),
                Long.toString(size))
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile(
                "STORED=(\\d+) READ=(\\d+) MAX_HEAP=(\\d+) PEAK_HEAP_USED=(\\d+)")
            .matcher(out);
    assertTrue(m.find(), out);
    assertEquals(size, Long.parseLong(m.group(1)));
    assertEquals(size, Long.parseLong(m.group(2)));
    long maxHeap = Long.parseLong(m.group(3));
    assertTrue(size > 2 * maxHeap, "the object is larger than the heap: " + out);
    System.out.println("larger-than-heap upload: " + out.trim());
  }

  @Test
  void anUploadThatFailsHalfWayLeavesNothing() throws IOException {
    String key = "models/run-9.zip";
    InputStream broken =
        new Noise(4L * S3BlobStore.MIN_PART, 3) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            if (position() > 2L * S3BlobStore.MIN_PART) {
              throw new IOException("the client went away");
            }
            return super.read(b, off, len);
          }
        };
    IOException e = assertThrows(IOException.class, () -> store.put(key, broken));
    assertEquals("the client went away", e.getMessage());
    assertFalse(store.exists(key));
  }

  @Test
  void deletesAFolderAndOnlyThatFolder() throws IOException {
    for (int i = 0; i < 3; i++) {
      store.put("checkpoints/run-5/epoch-" + i + ".zip", text("c" + i));
    }
    store.put("checkpoints/run-50/epoch-1.zip", text("other run"));
    store.deleteUnder("checkpoints/run-5");
    assertFalse(store.exists("checkpoints/run-5/epoch-0.zip"));
    assertFalse(store.exists("checkpoints/run-5/epoch-2.zip"));
    assertTrue(store.exists("checkpoints/run-50/epoch-1.zip"), "run-50 is not under run-5/");
  }

  @Test
  void anAgentDownloadsByAPresignedAddressWithoutCredentials() throws Exception {
    String key = "checkpoints/run-3/epoch-2.zip";
    store.put(key, text("weights"));
    var url = store.downloadUrl(key, Duration.ofMinutes(5)).orElseThrow();
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), response.body());
    assertEquals("weights", response.body());
    HttpResponse<String> forged =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        java.net.URI.create(url.toString().replace("epoch-2", "epoch-3")))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertEquals(403, forged.statusCode(), "the signature covers the key");
  }

  @Test
  void refusesWhatIsNotAStorageKey() {
    assertThrows(IllegalArgumentException.class, () -> store.put("../etc/passwd", text("x")));
    assertThrows(IllegalArgumentException.class, () -> store.exists("Upper/Case"));
  }

  static KilnConfig.Storage.S3 config(S3Server server, String prefix) {
    return new KilnConfig.Storage.S3() {
      @Override
      public Optional<String> bucket() {
        return Optional.of(server.bucket);
      }

      @Override
      public Optional<String> endpoint() {
        return Optional.of(server.endpoint());
      }

      @Override
      public String region() {
        return "us-east-1";
      }

      @Override
      public Optional<String> accessKey() {
        return Optional.of(S3Server.ACCESS_KEY);
      }

      @Override
      public Optional<String> secretKey() {
        return Optional.of(S3Server.SECRET_KEY);
      }

      @Override
      public Optional<String> prefix() {
        return Optional.of(prefix);
      }

      @Override
      public boolean pathStyle() {
        return true;
      }

      @Override
      public int partMib() {
        return 5;
      }
    };
  }

  private static InputStream text(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String read(Optional<InputStream> in) throws IOException {
    try (InputStream s = in.orElseThrow()) {
      return new String(s.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /**
   * {@code size} pseudo-random bytes, each a function of its position, made as they are read: no
   * array of the whole, and the same bytes however they are read.
   */
  static class Noise extends InputStream {
    private final long size;
    private final long seed;
    private long position;

    Noise(long size, long seed) {
      this.size = size;
      this.seed = seed;
    }

    long position() {
      return position;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (position >= size) {
        return -1;
      }
      int n = (int) Math.min(len, size - position);
      for (int i = 0; i < n; i++) {
        long x = (seed + position + i) * 0x9E3779B97F4A7C15L;
        b[off + i] = (byte) (x >>> 56);
      }
      position += n;
      return n;
    }
  }
}
