package io.kiln.backend.dataset.archive;

/**
 * How the images are divided into train, validation and test (T16).
 *
 * @param mode {@code auto}: Kiln's stratified split; {@code archive}: the upload's own
 *     train/val/test folders (missing val or test folders are carved from train); null: the
 *     archive's folders when it has them, else auto
 */
public record SplitOptions(String mode, int valPercent, int testPercent, long seed) {
  public static final SplitOptions DEFAULT = new SplitOptions(null, 10, 10, 42);

  public SplitOptions {
    if (mode != null && !mode.equals("auto") && !mode.equals("archive")) {
      throw new ArchiveRefused(
          "bad-split",
          "split must be 'auto' (Kiln splits the images) or 'archive' (use the"
              + " archive's train/val/test folders), not '"
              + Names.printable(mode)
              + "'");
    }
    if (valPercent < 1
        || valPercent > 50
        || testPercent < 0
        || testPercent > 50
        || valPercent + testPercent > 60) {
      throw new ArchiveRefused(
          "bad-split",
          "the validation share must be 1-50 %, the test share 0-50 %, and"
              + " together at most 60 %; got "
              + valPercent
              + " % and "
              + testPercent
              + " %");
    }
  }
}
