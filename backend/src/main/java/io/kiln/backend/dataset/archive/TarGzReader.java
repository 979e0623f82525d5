package io.kiln.backend.dataset.archive;

import io.kiln.core.i18n.Text;
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
        // A sparse member claims holes the reader would fill with zeros: refused as special.
        ArchiveEntry.Kind kind =
            entry.isSymbolicLink() || entry.isLink()
                ? ArchiveEntry.Kind.LINK
                : entry.isDirectory()
                    ? ArchiveEntry.Kind.DIR
                    : entry.isSparse()
                            || entry.isFIFO()
                            || entry.isCharacterDevice()
                            || entry.isBlockDevice()
                            || !entry.isFile()
                        ? ArchiveEntry.Kind.OTHER
                        : ArchiveEntry.Kind.FILE;
        if (kind == ArchiveEntry.Kind.FILE && !seen.add(entry.getName())) {
          throw ArchiveRefused.of("duplicate-entry", "name", Names.printable(entry.getName()));
        }
        visitor.visit(
            new ArchiveEntry(entry.getName(), kind, -1),
            kind == ArchiveEntry.Kind.FILE ? tar : InputStream.nullInputStream());
      }
    } catch (EOFException e) {
      throw ArchiveRefused.of("corrupt-archive", Text.of("refused.corrupt-archive.early"));
    } catch (IOException e) {
      throw ArchiveRefused.of(
          "corrupt-archive", Text.of("refused.corrupt-archive.tar", "detail", e.getMessage()));
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
