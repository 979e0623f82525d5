package io.kiln.backend.dataset.archive;

import io.kiln.core.data.DecodeBudget;
import io.kiln.core.data.ExifOrientation;
import io.kiln.core.data.ImagePixels;
import java.io.IOException;
import java.time.Duration;

/**
 * Decodes one image completely (a truncated or corrupt file fails here, not in the middle of
 * training) after checking its header's pixel count, so an image bomb is never decoded, and within
 * the process's decode budget.
 */
final class ImageProbe {
  private ImageProbe() {}

  /** What decoding found (size as shown upright); {@code problem} is null for a good image. */
  record Result(int width, int height, int channels, int exifOrientation, String problem) {
    static Result bad(String problem) {
      return new Result(0, 0, 0, 1, problem);
    }
  }

  /**
   * The side an image is read for when it is checked: every row is still decoded (a corrupt or
   * truncated file fails), but only every few pixels kept, so a 100-megapixel photo costs a few MB.
   */
  static final int CHECK_SIDE = 128;

  /** How long a check waits for other decodes to give back their memory (uploads are slow). */
  private static final Duration WAIT = Duration.ofMinutes(10);

  static Result probe(byte[] bytes, long maxPixels, DecodeBudget budget) {
    if (truncated(bytes)) {
      return Result.bad("truncated");
    }
    try {
      ImagePixels.Decoded decoded = ImagePixels.read(bytes, maxPixels, CHECK_SIDE, budget, WAIT);
      return new Result(
          decoded.width(),
          decoded.height(),
          decoded.image().getColorModel().getNumComponents(),
          ExifOrientation.of(bytes),
          null);
    } catch (ImagePixels.TooManyPixelsException e) {
      throw ArchiveRefused.of(
          "image-bomb", "width", e.width(), "height", e.height(), "max", maxPixels);
    } catch (DecodeBudget.TooLargeException e) {
      return Result.bad("too-costly");
    } catch (IOException | RuntimeException e) {
      return Result.bad("undecodable");
    }
  }

  /** A PNG must end with its IEND chunk and a JPEG with its end-of-image marker. */
  private static boolean truncated(byte[] b) {
    int n = b.length;
    if (n > 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      return n < 12 || !(b[n - 8] == 'I' && b[n - 7] == 'E' && b[n - 6] == 'N' && b[n - 5] == 'D');
    }
    if (n > 2 && (b[0] & 0xff) == 0xff && (b[1] & 0xff) == 0xd8) {
      for (int i = n - 2; i >= Math.max(2, n - 1024); i--) {
        if ((b[i] & 0xff) == 0xff && (b[i + 1] & 0xff) == 0xd9) {
          return false;
        }
      }
      return true;
    }
    return false;
  }
}
