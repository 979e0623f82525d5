package io.kiln.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Decoding for training and predictions alike, including the WebP and TIFF photos people have. */
class ImagePixelsTest {
  @Test
  void readsLosslessAndLossyWebp() throws Exception {
    BufferedImage plain = ImagePixels.decode(resource("plain0.webp"));
    assertEquals(16, plain.getWidth());
    assertEquals(200, (plain.getRGB(3, 3) >> 16) & 0xff, "lossless: the exact red");
    BufferedImage lossy = ImagePixels.decode(resource("lossy.webp"));
    assertEquals(16, lossy.getHeight());
    float[] chw = ImagePixels.toChw(ImagePixels.resize(lossy, 8), 3);
    assertEquals(200 / 255f, chw[0], 0.05f, "lossy: close to the red");
  }

  @Test
  void readsTiff() throws Exception {
    BufferedImage image = new BufferedImage(12, 12, BufferedImage.TYPE_INT_RGB);
    image.setRGB(2, 2, 0x00ff00);
    ByteArrayOutputStream tiff = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(image, "tiff", tiff), "a TIFF writer is there");
    float[] chw = ImagePixels.of(tiff.toByteArray(), 3, 12, 1_000);
    assertEquals(1f, chw[144 + 2 * 12 + 2], 1e-6f, "the green plane at (2, 2)");
  }

  @Test
  void somethingElseIsRefusedNamingTheFormatsKilnReads() {
    var e =
        assertThrows(
            ImagePixels.UndecodableException.class,
            () -> ImagePixels.decode("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertTrue(e.getMessage().contains("WebP or TIFF"), e.getMessage());
  }

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = ImagePixelsTest.class.getResourceAsStream("/images/" + name)) {
      return in.readAllBytes();
    }
  }
}
