package io.kiln.backend.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The backend with {@code kiln.storage.kind=s3} on a real S3 API server (S3Proxy) started for the
 * tests that use this profile; its files lie under {@code target/s3-test}.
 */
public final class S3Storage implements QuarkusTestProfile {
  public static final String BUCKET = "kiln-test";
  public static final Path ROOT = Path.of("target", "s3-test").toAbsolutePath();
  private static S3Server server;

  /** The running server (the object store the backend under test uses). */
  public static S3Server server() {
    return server;
  }

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(Server.class));
  }

  /** Starts S3Proxy before the app and points the app at it. */
  public static final class Server implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
      try {
        server = new S3Server(ROOT, BUCKET);
      } catch (Exception e) {
        throw new IllegalStateException("cannot start S3Proxy: " + e, e);
      }
      return Map.of(
          "kiln.storage.kind",
          "s3",
          "kiln.storage.s3.bucket",
          BUCKET,
          "kiln.storage.s3.endpoint",
          server.endpoint(),
          "kiln.storage.s3.access-key",
          S3Server.ACCESS_KEY,
          "kiln.storage.s3.secret-key",
          S3Server.SECRET_KEY,
          "kiln.storage.s3.prefix",
          "kiln/");
    }

    @Override
    public void stop() {
      try {
        server.close();
      } catch (Exception ignored) {
        // the test JVM ends
      }
    }
  }
}
