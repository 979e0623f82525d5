package io.kiln.backend.support;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/** Builds zip archives in memory for upload tests: real PNGs, or whatever bytes a test needs. */
public final class TestZips {
  private final Map<String, byte[]> entries = new LinkedHashMap<>();

  public static TestZips create() {
    return new TestZips();
  }

  public TestZips png(String path, int shade) {
    return file(path, png(shade));
  }

  /** {@code count} different images, none equal to any other folder's (duplicates are findings). */
  public TestZips images(String folder, int count) {
    for (int i = 0; i < count; i++) {
      file(folder + "/" + i + ".png", noise(folder.hashCode() * 7919L + i, 8, 8));
    }
    return this;
  }

  public TestZips file(String path, byte[] bytes) {
    entries.put(path, bytes);
    return this;
  }

  public byte[] bytes() {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream();
        ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(e.getKey()));
        zip.write(e.getValue());
        zip.closeEntry();
      }
      zip.finish();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A gray PNG of random pixels: a different image for every seed. */
  public static byte[] noise(long seed, int width, int height) {
    java.util.Random random = new java.util.Random(seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.getRaster().setSample(x, y, 0, random.nextInt(256));
      }
    }
    return encode(image, "png");
  }

  /** An RGB JPEG of random pixels. */
  public static byte[] jpeg(long seed, int width, int height) {
    java.util.Random random = new java.util.Random(seed);
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    return encode(image, "jpg");
  }

  private static byte[] encode(BufferedImage image, String format) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      ImageIO.write(image, format, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static byte[] png(int shade) {
    BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        image.getRaster().setSample(x, y, 0, (shade + x * y) % 256);
      }
    }
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
