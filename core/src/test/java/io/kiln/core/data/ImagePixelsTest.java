package io.kiln.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Duration;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
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

  @Test
  void aLargePictureIsReadSubsampledForTheModelsSizeAndLooksTheSame() throws Exception {
    byte[] png = gradient(2000, 1000, "png");
    ImagePixels.Decoded decoded =
        ImagePixels.read(png, 10_000_000, 28, DecodeBudget.unlimited(), Duration.ZERO);
    assertEquals(2000, decoded.width(), "the picture's own size");
    assertEquals(1000, decoded.height());
    assertTrue(decoded.image().getWidth() <= 4 * 28, "read every 35th column, not all 2000");
    assertTrue(decoded.image().getHeight() >= 2 * 28, "at least twice the model's side kept");
    float[] subsampled = ImagePixels.of(png, 3, 28, 10_000_000);
    float[] whole = ImagePixels.toChw(ImagePixels.resize(ImagePixels.decode(png), 28), 3);
    double worst = 0;
    for (int i = 0; i < whole.length; i++) {
      worst = Math.max(worst, Math.abs(whole[i] - subsampled[i]));
    }
    assertTrue(worst < 0.03, "the model sees the same picture: " + worst);
  }

  @Test
  void aDecodeTakesItsCostFromTheBudgetAndGivesItBack() throws Exception {
    byte[] png = gradient(600, 600, "png");
    DecodeBudget budget = new DecodeBudget(2L << 20);
    ImagePixels.read(png, 1_000_000, 28, budget, Duration.ofSeconds(1));
    assertEquals(budget.bytes(), budget.available(), "all given back");
    // The whole picture at 12 bytes a pixel is more than 2 MiB: never decoded here, while the
    // same picture read for a 28 px model is.
    var refused =
        assertThrows(
            DecodeBudget.TooLargeException.class,
            () -> ImagePixels.read(png, 1_000_000, 0, budget, Duration.ofSeconds(1)).image());
    assertTrue(refused.getMessage().contains("(2 MB)"), refused.getMessage());
    try (DecodeBudget.Lease held = budget.take(budget.bytes(), Duration.ZERO)) {
      var busy =
          assertThrows(
              DecodeBudget.BusyException.class,
              () -> ImagePixels.read(png, 1_000_000, 28, budget, Duration.ofMillis(50)));
      assertTrue(busy.text().english().contains("try again"), busy.getMessage());
    }
    assertEquals(budget.bytes(), budget.available());
  }

  @Test
  void aProgressiveJpegIsChargedForItsWholePicture() throws Exception {
    byte[] baseline = gradient(400, 300, "jpeg");
    ByteArrayOutputStream progressive = new ByteArrayOutputStream();
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    try (var out = ImageIO.createImageOutputStream(progressive)) {
      writer.setOutput(out);
      writer.write(
          null, new IIOImage(ImageIO.read(new ByteArrayInputStream(baseline)), null, null), param);
    }
    writer.dispose();
    assertFalse(ImagePixels.progressiveJpeg(baseline));
    assertTrue(ImagePixels.progressiveJpeg(progressive.toByteArray()));
    long plain = ImagePixels.cost(baseline, 400, 300, 4, 4, true);
    long whole = ImagePixels.cost(progressive.toByteArray(), 400, 300, 4, 4, true);
    assertTrue(whole - plain >= 400 * 300 * 6 - 100_000, plain + " " + whole);
  }

  private static byte[] gradient(int width, int height, String format) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, ((x * 255 / width) << 16) | ((y * 255 / height) << 8) | 90);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, format, out);
    return out.toByteArray();
  }

  private static byte[] resource(String name) throws Exception {
    try (InputStream in = ImagePixelsTest.class.getResourceAsStream("/images/" + name)) {
      return in.readAllBytes();
    }
  }
}
