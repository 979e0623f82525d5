package io.kiln.backend.dataset.archive;

/**
 * One image file found by the first pass over an upload.
 *
 * @param rawName the name in the uploaded archive
 * @param path the name below the class folder ({@code sub/x.png})
 * @param split {@code train}, {@code val}, {@code test} from the archive's own folders, or null
 * @param problem {@code undecodable} or {@code truncated} when the image cannot be used, else null
 */
record Scanned(
    String rawName,
    String split,
    String className,
    String path,
    String hash,
    int width,
    int height,
    int channels,
    int exifOrientation,
    String problem) {
  Scanned withSplit(String newSplit) {
    return new Scanned(
        rawName,
        newSplit,
        className,
        path,
        hash,
        width,
        height,
        channels,
        exifOrientation,
        problem);
  }

  Scanned withPath(String newPath) {
    return new Scanned(
        rawName,
        split,
        className,
        newPath,
        hash,
        width,
        height,
        channels,
        exifOrientation,
        problem);
  }

  /** Where the image lies in the canonical archive. */
  String canonicalName() {
    return split + "/" + className + "/" + path;
  }
}
