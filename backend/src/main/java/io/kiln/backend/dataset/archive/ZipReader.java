package io.kiln.backend.dataset.archive;

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
      throw new ArchiveRefused(
          "corrupt-archive",
          "the zip archive is incomplete or damaged ("
              + e.getMessage()
              + "); if the upload was interrupted, upload it again");
    }
  }

  @Override
  public void forEach(Visitor visitor) throws IOException {
    List<ZipArchiveEntry> entries = Collections.list(zip.getEntriesInPhysicalOrder());
    Set<String> seen = new HashSet<>();
    for (ZipArchiveEntry entry : entries) {
      if (!seen.add(entry.getName())) {
        throw new ArchiveRefused(
            "duplicate-entry",
            "the archive lists '"
                + Names.printable(entry.getName())
                + "' twice; such archives are refused because which copy counts is ambiguous");
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
        throw new ArchiveRefused(
            "encrypted",
            "'"
                + Names.printable(entry.getName())
                + "' is encrypted; upload the dataset without a password");
      }
      if (!zip.canReadEntryData(entry)) {
        throw new ArchiveRefused(
            "unsupported-compression",
            "'"
                + Names.printable(entry.getName())
                + "' uses a compression method Kiln cannot read; re-create the zip with the standard (deflate) method");
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
