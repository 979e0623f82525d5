package io.kiln.backend.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * Builds .zip and .tar.gz archives in memory with whatever a test needs, hostile members included:
 * links, special files, duplicate names, encrypted entries, absolute paths.
 */
public final class TestArchives {
  private record Entry(String name, byte[] bytes, char type, String link) {}

  private final List<Entry> entries = new ArrayList<>();
  private boolean encrypted;

  public static TestArchives create() {
    return new TestArchives();
  }

  public TestArchives file(String name, byte[] bytes) {
    entries.add(new Entry(name, bytes, 'f', null));
    return this;
  }

  /** Different images in a class folder, as {@link TestZips#images}. */
  public TestArchives images(String folder, int count) {
    for (int i = 0; i < count; i++) {
      file(folder + "/" + i + ".png", TestZips.noise(folder.hashCode() * 7919L + i, 8, 8));
    }
    return this;
  }

  public TestArchives dir(String name) {
    entries.add(new Entry(name.endsWith("/") ? name : name + "/", new byte[0], 'd', null));
    return this;
  }

  public TestArchives symlink(String name, String target) {
    entries.add(new Entry(name, target.getBytes(StandardCharsets.UTF_8), 'l', target));
    return this;
  }

  public TestArchives hardlink(String name, String target) {
    entries.add(new Entry(name, new byte[0], 'h', target));
    return this;
  }

  public TestArchives fifo(String name) {
    entries.add(new Entry(name, new byte[0], 'p', null));
    return this;
  }

  /** Marks every file entry of the zip as encrypted. */
  public TestArchives encrypted() {
    this.encrypted = true;
    return this;
  }

  public byte[] zip() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(bytes)) {
      for (Entry e : entries) {
        ZipArchiveEntry entry = new ZipArchiveEntry(e.name());
        if (e.type() == 'l') {
          entry.setUnixMode(0120777);
        }
        zip.putArchiveEntry(entry);
        zip.write(e.bytes());
        zip.closeArchiveEntry();
      }
      zip.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return encrypted ? flagEncrypted(bytes.toByteArray()) : bytes.toByteArray();
  }

  /**
   * Sets the "encrypted" flag (bit 0) in every local and central header, as a password-protected
   * zip has.
   */
  private static byte[] flagEncrypted(byte[] zip) {
    for (int i = 0; i + 10 < zip.length; i++) {
      if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 3 && zip[i + 3] == 4) {
        zip[i + 6] |= 1;
      } else if (zip[i] == 'P' && zip[i + 1] == 'K' && zip[i + 2] == 1 && zip[i + 3] == 2) {
        zip[i + 8] |= 1;
      }
    }
    return zip;
  }

  public byte[] tarGz() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Entry e : entries) {
        TarArchiveEntry entry =
            switch (e.type()) {
              case 'l' -> new TarArchiveEntry(e.name(), TarConstants.LF_SYMLINK, true);
              case 'h' -> new TarArchiveEntry(e.name(), TarConstants.LF_LINK, true);
              case 'p' -> new TarArchiveEntry(e.name(), TarConstants.LF_FIFO, true);
              default -> new TarArchiveEntry(e.name(), true);
            };
        if (e.link() != null) {
          entry.setLinkName(e.link());
        }
        if (e.type() == 'f') {
          entry.setSize(e.bytes().length);
        }
        tar.putArchiveEntry(entry);
        if (e.type() == 'f') {
          tar.write(e.bytes());
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
