package io.kiln.backend.dataset.archive;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.io.input.BoundedInputStream;

/**
 * Reads a gzip-compressed tar in one pass; the whole stream's ratio is what a bomb check can see.
 */
final class TarGzReader implements ArchiveReader {
  private final InputStream file;
  private final BoundedInputStream counted;
  private final TarArchiveInputStream tar;

  TarGzReader(Path upload) throws IOException {
    this.file = Files.newInputStream(upload);
    this.counted =
        BoundedInputStream.builder().setInputStream(new BufferedInputStream(file, 1 << 16)).get();
    this.tar = new TarArchiveInputStream(new GzipCompressorInputStream(counted, true));
  }

  @Override
  public void forEach(Visitor visitor) throws IOException {
    Set<String> seen = new HashSet<>();
    try {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        ArchiveEntry.Kind kind =
            entry.isSymbolicLink() || entry.isLink()
                ? ArchiveEntry.Kind.LINK
                : entry.isDirectory()
                    ? ArchiveEntry.Kind.DIR
                    : entry.isFIFO()
                            || entry.isCharacterDevice()
                            || entry.isBlockDevice()
                            || !entry.isFile()
                        ? ArchiveEntry.Kind.OTHER
                        : ArchiveEntry.Kind.FILE;
        if (kind == ArchiveEntry.Kind.FILE && !seen.add(entry.getName())) {
          throw new ArchiveRefused(
              "duplicate-entry",
              "the archive holds '"
                  + Names.printable(entry.getName())
                  + "' twice; such archives are refused because which copy counts is ambiguous");
        }
        visitor.visit(
            new ArchiveEntry(entry.getName(), kind, -1),
            kind == ArchiveEntry.Kind.FILE ? tar : InputStream.nullInputStream());
      }
    } catch (EOFException e) {
      throw new ArchiveRefused(
          "corrupt-archive",
          "the archive ends too early; if the upload was interrupted, upload it again");
    } catch (IOException e) {
      throw new ArchiveRefused(
          "corrupt-archive", "the tar.gz archive is damaged (" + e.getMessage() + ")");
    }
  }

  @Override
  public long compressedBytesRead() {
    return counted.getCount();
  }

  @Override
  public boolean streamed() {
    return true;
  }

  @Override
  public void close() throws IOException {
    try (file) {
      tar.close();
    }
  }
}
