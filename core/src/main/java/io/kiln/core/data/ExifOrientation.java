package io.kiln.core.data;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.WritableRaster;

/**
 * The EXIF orientation tag (0x0112) of a JPEG: 1 is upright, 2-8 ask viewers to flip or rotate.
 * Cameras store the sensor's pixels and this flag; browsers and photo viewers turn the picture
 * upright, so training must too, or it learns sideways photos the user never saw.
 */
public final class ExifOrientation {
  private ExifOrientation() {}

  /** The orientation of an encoded image: 1 (upright) unless it is a JPEG that says otherwise. */
  public static int of(byte[] b) {
    if (b.length < 4 || (b[0] & 0xff) != 0xff || (b[1] & 0xff) != 0xd8) {
      return 1;
    }
    int pos = 2;
    while (pos + 4 <= b.length && (b[pos] & 0xff) == 0xff) {
      int marker = b[pos + 1] & 0xff;
      int length = ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
      if (marker == 0xda || length < 2) {
        return 1;
      }
      if (marker == 0xe1
          && pos + 10 <= b.length
          && b[pos + 4] == 'E'
          && b[pos + 5] == 'x'
          && b[pos + 6] == 'i'
          && b[pos + 7] == 'f') {
        return fromTiff(b, pos + 10, Math.min(b.length, pos + 2 + length));
      }
      pos += 2 + length;
    }
    return 1;
  }

  private static int fromTiff(byte[] b, int tiff, int end) {
    if (tiff + 8 > end) {
      return 1;
    }
    boolean little = b[tiff] == 'I';
    int ifd = tiff + read(b, tiff + 4, 4, little);
    if (ifd + 2 > end || ifd < tiff) {
      return 1;
    }
    int count = read(b, ifd, 2, little);
    for (int i = 0; i < count; i++) {
      int entry = ifd + 2 + i * 12;
      if (entry + 12 > end) {
        return 1;
      }
      if (read(b, entry, 2, little) == 0x0112) {
        int value = read(b, entry + 8, 2, little);
        return value >= 1 && value <= 8 ? value : 1;
      }
    }
    return 1;
  }

  private static int read(byte[] b, int at, int bytes, boolean little) {
    int value = 0;
    for (int i = 0; i < bytes; i++) {
      int v = b[at + i] & 0xff;
      value = little ? value | (v << (8 * i)) : (value << 8) | v;
    }
    return value;
  }

  /**
   * The image turned as its orientation asks (2-8), every pixel copied exactly; 1 returns it as it
   * is.
   */
  public static BufferedImage upright(BufferedImage src, int orientation) {
    if (orientation < 2 || orientation > 8) {
      return src;
    }
    int w = src.getWidth();
    int h = src.getHeight();
    boolean swap = orientation >= 5;
    ColorModel model = src.getColorModel();
    WritableRaster raster = model.createCompatibleWritableRaster(swap ? h : w, swap ? w : h);
    Object pixel = null;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        pixel = src.getRaster().getDataElements(x, y, pixel);
        int dx;
        int dy;
        switch (orientation) {
          case 2 -> {
            dx = w - 1 - x;
            dy = y;
          }
          case 3 -> {
            dx = w - 1 - x;
            dy = h - 1 - y;
          }
          case 4 -> {
            dx = x;
            dy = h - 1 - y;
          }
          case 5 -> {
            dx = y;
            dy = x;
          }
          case 6 -> {
            dx = h - 1 - y;
            dy = x;
          }
          case 7 -> {
            dx = h - 1 - y;
            dy = w - 1 - x;
          }
          default -> {
            dx = y;
            dy = w - 1 - x;
          }
        }
        raster.setDataElements(dx, dy, pixel);
      }
    }
    return new BufferedImage(model, raster, model.isAlphaPremultiplied(), null);
  }
}
