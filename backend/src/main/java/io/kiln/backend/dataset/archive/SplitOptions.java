package io.kiln.backend.dataset.archive;

import io.kiln.core.i18n.Text;

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
      throw ArchiveRefused.of(
          "bad-split", Text.of("refused.bad-split.mode", "mode", Names.printable(mode)));
    }
    if (valPercent < 1
        || valPercent > 50
        || testPercent < 0
        || testPercent > 50
        || valPercent + testPercent > 60) {
      throw ArchiveRefused.of(
          "bad-split", Text.of("refused.bad-split.shares", "val", valPercent, "test", testPercent));
    }
  }
}
