package io.kiln.backend.dataset.archive;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams the members of an uploaded .zip or .tar.gz, one at a time, without unpacking anything to
 * disk. The format is recognised by its first bytes, not by the file name.
 */
public interface ArchiveReader extends AutoCloseable {
  /** Receives each entry with a stream of its content (empty for anything but FILE). */
  interface Visitor {
    void visit(ArchiveEntry entry, InputStream content) throws IOException;
  }

  void forEach(Visitor visitor) throws IOException;

  /** Bytes of the upload consumed so far (for the compression ratio of a streamed format). */
  long compressedBytesRead();

  /**
   * True when {@link #compressedBytesRead()} covers every entry (the whole stream is compressed).
   */
  boolean streamed();

  @Override
  void close() throws IOException;

  /** Opens {@code upload} as the format its first bytes announce. */
  static ArchiveReader open(Path upload) throws IOException {
    byte[] magic = new byte[4];
    int read;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(upload))) {
      read = in.readNBytes(magic, 0, 4);
    }
    if (read == 0) {
      throw ArchiveRefused.of("empty-upload");
    }
    if (read >= 4 && magic[0] == 'P' && magic[1] == 'K' && (magic[2] == 3 || magic[2] == 5)) {
      return new ZipReader(upload);
    }
    if (read >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return new TarGzReader(upload);
    }
    throw ArchiveRefused.of("not-an-archive");
  }
}
