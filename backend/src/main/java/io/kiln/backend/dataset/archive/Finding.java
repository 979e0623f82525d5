package io.kiln.backend.dataset.archive;

import java.util.List;

/**
 * Something validation noticed about a dataset, in words a non-programmer can act on.
 *
 * @param kind a stable identifier (e.g. {@code duplicate-in-class})
 * @param severity {@code info}, {@code warning} or {@code error} (an error refuses the dataset)
 * @param files up to {@link #MAX_FILES} affected archive paths
 * @param fileCount how many files are affected in all
 * @param action what Kiln did about it
 * @param advice what the user can do
 */
public record Finding(
    String kind,
    String severity,
    String message,
    List<String> files,
    int fileCount,
    String action,
    String advice) {
  public static final int MAX_FILES = 20;

  public static Finding of(
      String kind,
      String severity,
      String message,
      List<String> files,
      String action,
      String advice) {
    return new Finding(
        kind,
        severity,
        message,
        List.copyOf(files.subList(0, Math.min(MAX_FILES, files.size()))),
        files.size(),
        action,
        advice);
  }
}
