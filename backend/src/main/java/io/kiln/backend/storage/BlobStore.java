package io.kiln.backend.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where Kiln keeps large files by key (e.g. {@code checkpoints/run-7/epoch-3.zip}): on the data
 * directory ({@link FileBlobStore}, one backend) or in an S3-compatible bucket ({@link
 * S3BlobStore}, shared by several backend replicas), as {@code kiln.storage.kind} says. Writes are
 * whole-object: a reader sees the previous content or the new one, never a part.
 */
public interface BlobStore {
  /** Stores the stream under the key, replacing what was there; returns the bytes written. */
  long put(String key, InputStream content) throws IOException;

  /** Opens the object for reading, or empty when there is none. */
  Optional<InputStream> open(String key) throws IOException;

  boolean exists(String key);

  /** Deletes the object; nothing happens when there is none. */
  void delete(String key) throws IOException;

  /** Deletes every object whose key starts with {@code prefix/}. */
  void deleteUnder(String prefix) throws IOException;

  /**
   * An address an agent may download the object from directly, without the backend, for {@code
   * valid}; empty when the store has none (files are served by the backend).
   */
  default Optional<java.net.URI> downloadUrl(String key, java.time.Duration valid) {
    return Optional.empty();
  }
}
