package io.kiln.backend.dataset.archive;

/**
 * What an upload may unpack to; exceeding any refuses it (zip bombs, T16 data hygiene).
 *
 * @param maxUncompressedBytes all files together, counted as they are read (headers can lie)
 * @param maxEntries members of the archive, folders included
 * @param maxCompressionRatio uncompressed / compressed, judged once more than 1 MiB has unpacked
 * @param maxImageBytes one image file
 * @param maxImagePixels width x height of one image, read from its header before decoding
 * @param fewImagesPerClass below this a class gets a warning
 */
public record ImportLimits(
    long maxUncompressedBytes,
    int maxEntries,
    double maxCompressionRatio,
    long maxImageBytes,
    long maxImagePixels,
    int fewImagesPerClass) {
  /**
   * Bytes that must unpack before the compression ratio is judged (small files compress very well).
   */
  static final long RATIO_GRACE_BYTES = 1L << 20;
}
