package io.kiln.backend.dataset.archive;

import io.kiln.core.data.ExifOrientation;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decodes one image completely (a truncated or corrupt file fails here, not in the middle of
 * training) after checking its header's pixel count, so an image bomb is never decoded.
 */
final class ImageProbe {
  private ImageProbe() {}

  /** What decoding found (size as shown upright); {@code problem} is null for a good image. */
  record Result(int width, int height, int channels, int exifOrientation, String problem) {
    static Result bad(String problem) {
      return new Result(0, 0, 0, 1, problem);
    }
  }

  static Result probe(byte[] bytes, long maxPixels) {
    if (truncated(bytes)) {
      return Result.bad("truncated");
    }
    // A memory-backed stream: ImageIO's default for a plain stream is a temporary file per image.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return Result.bad("undecodable");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > maxPixels) {
          throw ArchiveRefused.of(
              "image-bomb",
              "width",
              reader.getWidth(0),
              "height",
              reader.getHeight(0),
              "max",
              maxPixels);
        }
        BufferedImage image = reader.read(0);
        int channels = image.getColorModel().getNumComponents();
        int orientation = ExifOrientation.of(bytes);
        boolean turned = orientation >= 5;
        return new Result(
            turned ? image.getHeight() : image.getWidth(),
            turned ? image.getWidth() : image.getHeight(),
            channels,
            orientation,
            null);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ArchiveRefused refused) {
        throw refused;
      }
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
