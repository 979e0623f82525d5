package io.kiln.backend.dataset.archive;

/**
 * One member of an uploaded archive as the archive itself describes it.
 *
 * @param compressedSize the stored size when the format records it per entry (zip), else -1
 */
public record ArchiveEntry(String name, Kind kind, long compressedSize) {
  /** What the entry is; only FILE and DIR are acceptable in a dataset. */
  public enum Kind {
    FILE,
    DIR,
    LINK,
    OTHER
  }
}
