package io.kiln.backend.dataset.archive;

import io.kiln.core.i18n.Text;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/** Reads a zip by its central directory, so symlinks (unix mode) and encryption are visible. */
final class ZipReader implements ArchiveReader {
  private final ZipFile zip;

  ZipReader(Path upload) throws IOException {
    try {
      this.zip = ZipFile.builder().setPath(upload).get();
    } catch (IOException e) {
      throw ArchiveRefused.of(
          "corrupt-archive", Text.of("refused.corrupt-archive.zip", "detail", e.getMessage()));
    }
  }

  @Override
  public void forEach(Visitor visitor) throws IOException {
    List<ZipArchiveEntry> entries = Collections.list(zip.getEntriesInPhysicalOrder());
    Set<String> seen = new HashSet<>();
    for (ZipArchiveEntry entry : entries) {
      if (!seen.add(entry.getName())) {
        throw ArchiveRefused.of("duplicate-entry", "name", Names.printable(entry.getName()));
      }
    }
    for (ZipArchiveEntry entry : entries) {
      ArchiveEntry.Kind kind =
          entry.isUnixSymlink()
              ? ArchiveEntry.Kind.LINK
              : entry.isDirectory() ? ArchiveEntry.Kind.DIR : ArchiveEntry.Kind.FILE;
      ArchiveEntry described = new ArchiveEntry(entry.getName(), kind, entry.getCompressedSize());
      if (kind != ArchiveEntry.Kind.FILE) {
        visitor.visit(described, InputStream.nullInputStream());
        continue;
      }
      if (entry.getGeneralPurposeBit().usesEncryption()) {
        throw ArchiveRefused.of("encrypted", "name", Names.printable(entry.getName()));
      }
      if (!zip.canReadEntryData(entry)) {
        throw ArchiveRefused.of(
            "unsupported-compression", "name", Names.printable(entry.getName()));
      }
      try (InputStream in = zip.getInputStream(entry)) {
        visitor.visit(described, in);
      }
    }
  }

  @Override
  public long compressedBytesRead() {
    return 0;
  }

  @Override
  public boolean streamed() {
    return false;
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }
}
