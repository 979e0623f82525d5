package io.kiln.agent.training;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Writes a small, learnable folder-per-class PNG dataset: stripes of different orientation plus
 * noise.
 */
public final class SyntheticImages {
  public static final List<String> CLASSES = List.of("horizontal", "vertical", "diagonal");

  private SyntheticImages() {}

  public static Path writeZip(Path target, int perClass, int size, long seed) throws IOException {
    Random random = new Random(seed);
    try (OutputStream out = Files.newOutputStream(target);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (int c = 0; c < CLASSES.size(); c++) {
        for (int i = 0; i < perClass; i++) {
          zip.putNextEntry(new ZipEntry(CLASSES.get(c) + "/img" + i + ".png"));
          ImageIO.write(image(c, size, random), "png", zip);
          zip.closeEntry();
        }
      }
    }
    return target;
  }

  /**
   * The backend's canonical form: a manifest and {@code split/class/file} with these images per
   * class.
   */
  public static Path writeSplitZip(Path target, int train, int val, int test, int size)
      throws IOException {
    Random random = new Random(3);
    try (OutputStream out = Files.newOutputStream(target);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.putNextEntry(new ZipEntry("kiln-dataset.json"));
      zip.write(
          "{\"format\":\"kiln-dataset/2\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      zip.closeEntry();
      int[] counts = {train, val, test};
      String[] splits = {"train", "val", "test"};
      for (int s = 0; s < 3; s++) {
        for (int c = 0; c < CLASSES.size(); c++) {
          for (int i = 0; i < counts[s]; i++) {
            zip.putNextEntry(new ZipEntry(splits[s] + "/" + CLASSES.get(c) + "/img" + i + ".png"));
            ImageIO.write(image(c, size, random), "png", zip);
            zip.closeEntry();
          }
        }
      }
    }
    return target;
  }

  static BufferedImage image(int kind, int size, Random random) {
    BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = img.createGraphics();
    g.setColor(Color.BLACK);
    g.fillRect(0, 0, size, size);
    int offset = random.nextInt(4);
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        int coordinate = kind == 0 ? y : kind == 1 ? x : x + y;
        int v = ((coordinate + offset) / 2) % 2 == 0 ? 200 : 40;
        v = Math.max(0, Math.min(255, v + (int) (random.nextGaussian() * 40)));
        img.getRaster().setSample(x, y, 0, v);
      }
    }
    g.dispose();
    return img;
  }
}
