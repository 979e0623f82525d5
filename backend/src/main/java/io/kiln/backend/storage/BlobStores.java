package io.kiln.backend.storage;

import io.kiln.backend.common.DataDirectory;
import io.kiln.backend.common.KilnConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;

/** The blob store {@code kiln.storage.kind} names: {@code files} (the default) or {@code s3}. */
@ApplicationScoped
class BlobStores {
  @Produces
  @ApplicationScoped
  BlobStore store(KilnConfig config, DataDirectory dirs) {
    String kind = config.storage().kind();
    return switch (kind) {
      case "files" -> new FileBlobStore(dirs.root().resolve("blobs"));
      case "s3" -> new S3BlobStore(config.storage().s3());
      default ->
          throw new IllegalStateException(
              "kiln.storage.kind is " + kind + "; it must be files or s3 (KILN_STORAGE_KIND)");
    };
  }

  void close(@Disposes BlobStore store) throws Exception {
    if (store instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }
}
