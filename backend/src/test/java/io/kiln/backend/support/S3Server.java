package io.kiln.backend.support;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 API server for tests: S3Proxy over jclouds' file system store, on a free port, with one
 * bucket. Objects are files under {@link #root}/{bucket}.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "kiln-test-access";
  public static final String SECRET_KEY = "kiln-test-secret";
  public final Path root;
  public final String bucket;
  private final BlobStoreContext context;
  private final S3Proxy proxy;

  public S3Server(Path root, String bucket) throws Exception {
    this.root = Files.createDirectories(root);
    this.bucket = bucket;
    Properties properties = new Properties();
    properties.setProperty("jclouds.filesystem.basedir", root.toString());
    context =
        ContextBuilder.newBuilder("filesystem")
            .credentials("identity", "credential")
            .overrides(properties)
            .build(BlobStoreContext.class);
    context.getBlobStore().createContainerInLocation(null, bucket);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    long deadline = System.currentTimeMillis() + 10_000;
    while (!"STARTED".equals(proxy.getState()) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  /** The file an object's key is kept in. */
  public Path file(String key) {
    return root.resolve(bucket).resolve(key);
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
