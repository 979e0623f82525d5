package io.kiln.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class ExifOrientationTest {
  /** A 3 x 2 gray image whose pixels are 1..6, row by row: [1 2 3 / 4 5 6]. */
  private static BufferedImage sample() {
    BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 3; x++) {
        image.getRaster().setSample(x, y, 0, 1 + x + 3 * y);
      }
    }
    return image;
  }

  private static String rows(BufferedImage image) {
    StringBuilder out = new StringBuilder();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        out.append(image.getRaster().getSample(x, y, 0));
      }
      out.append(y + 1 < image.getHeight() ? "/" : "");
    }
    return out.toString();
  }

  @Test
  void everyOrientationTurnsThePictureAsViewersDo() {
    assertSame(sample().getClass(), ExifOrientation.upright(sample(), 1).getClass());
    assertEquals("123/456", rows(ExifOrientation.upright(sample(), 1)));
    assertEquals("321/654", rows(ExifOrientation.upright(sample(), 2)), "mirrored");
    assertEquals("654/321", rows(ExifOrientation.upright(sample(), 3)), "rotated 180");
    assertEquals("456/123", rows(ExifOrientation.upright(sample(), 4)), "flipped");
    assertEquals("14/25/36", rows(ExifOrientation.upright(sample(), 5)), "transposed");
    assertEquals("41/52/63", rows(ExifOrientation.upright(sample(), 6)), "rotated 90 clockwise");
    assertEquals("63/52/41", rows(ExifOrientation.upright(sample(), 7)), "transversed");
    assertEquals(
        "36/25/14", rows(ExifOrientation.upright(sample(), 8)), "rotated 90 counter-clockwise");
    assertEquals(
        BufferedImage.TYPE_BYTE_GRAY, ExifOrientation.upright(sample(), 6).getType(), "stays gray");
  }

  @Test
  void readsTheTagFromABigOrLittleEndianExifBlock() {
    assertEquals(6, ExifOrientation.of(jpegWithOrientation(6, true)));
    assertEquals(8, ExifOrientation.of(jpegWithOrientation(8, false)));
    assertEquals(
        1, ExifOrientation.of(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xd9}));
    assertEquals(1, ExifOrientation.of(new byte[] {(byte) 0x89, 'P', 'N', 'G'}));
    assertEquals(
        1, ExifOrientation.of(jpegWithOrientation(42, true)), "nonsense values count as upright");
  }

  /** SOI, an APP1 Exif block with one IFD entry (0x0112), EOI. */
  static byte[] jpegWithOrientation(int orientation, boolean bigEndian) {
    byte[] tiff =
        bigEndian
            ? new byte[] {
              'M',
              'M',
              0,
              42,
              0,
              0,
              0,
              8,
              0,
              1,
              0x01,
              0x12,
              0,
              3,
              0,
              0,
              0,
              1,
              0,
              (byte) orientation,
              0,
              0,
              0,
              0
            }
            : new byte[] {
              'I',
              'I',
              42,
              0,
              8,
              0,
              0,
              0,
              1,
              0,
              0x12,
              0x01,
              3,
              0,
              1,
              0,
              0,
              0,
              (byte) orientation,
              0,
              0,
              0,
              0,
              0
            };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        new byte[] {
          (byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe1, 0, (byte) (2 + 6 + tiff.length)
        });
    out.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
    out.writeBytes(tiff);
    out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xd9});
    return out.toByteArray();
  }
}
