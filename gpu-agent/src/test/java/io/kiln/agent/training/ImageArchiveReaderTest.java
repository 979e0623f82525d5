package io.kiln.agent.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.kiln.fixtures.Exif;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageArchiveReaderTest {
  @Test
  void webpPhotosAreReadAsTheBackendAcceptedThem(@TempDir Path dir) throws Exception {
    Path zip = dir.resolve("webp.zip");
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream z = new ZipOutputStream(out)) {
      for (String name : List.of("plain0", "speckled0")) {
        z.putNextEntry(new ZipEntry("salt & pepper/" + name + ".webp"));
        try (var in = getClass().getResourceAsStream("/images/" + name + ".webp")) {
          in.transferTo(z);
        }
        z.closeEntry();
      }
    }
    LabelledImages images = ImageArchiveReader.read(zip, List.of("salt & pepper"), 16);
    assertEquals(2, images.count());
    assertEquals(3, images.channels(), "the WebP photos are in colour");
    assertEquals(200 / 255f, images.pixels()[0][0], 1e-6f, "plain0 is red 200, losslessly");
  }

  @Test
  void photosAreTrainedUprightAsTheirExifOrientationAsks(@TempDir Path dir) throws Exception {
    // 16 x 8, white on the left half: turned 90 degrees clockwise (orientation 6) it is white on
    // top.
    BufferedImage sideways = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        sideways.setRGB(x, y, 0xffffff);
      }
    }
    ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
    ImageIO.write(sideways, "jpg", jpeg);
    Path zip = dir.resolve("photos.zip");
    try (OutputStream out = Files.newOutputStream(zip);
        ZipOutputStream archive = new ZipOutputStream(out)) {
      archive.putNextEntry(new ZipEntry("a/plain.jpg"));
      archive.write(jpeg.toByteArray());
      archive.putNextEntry(new ZipEntry("b/rotated.jpg"));
      archive.write(Exif.withOrientation(jpeg.toByteArray(), 6));
      archive.closeEntry();
    }
    LabelledImages images = ImageArchiveReader.read(zip, List.of("a", "b"), 16);
    float[] plain = images.pixels()[0];
    float[] rotated = images.pixels()[1];
    int plane = 16 * 16;
    assertTrue(
        plain[8 * 16 + 2] > 0.8 && plain[8 * 16 + 13] < 0.2, "as stored: white left, black right");
    assertTrue(
        rotated[2 * 16 + 8] > 0.8 && rotated[13 * 16 + 8] < 0.2,
        "upright: white top, black bottom");
    assertEquals(3 * plane, rotated.length);
  }
}
