package io.kiln.core.data;

import io.kiln.core.i18n.Text;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * How an encoded image becomes a model's input, the same for training (the agent reads a dataset)
 * and for predictions (the backend answers an upload): decoded, turned upright as its EXIF
 * orientation asks, resized bilinearly to a square of the model's size, then CHW floats in [0, 1]
 * (RGB, or luminance 0.299 R + 0.587 G + 0.114 B for a single-channel model).
 */
public final class ImagePixels {
  static {
    // ImageIO would otherwise buffer every image of a plain stream in a temporary file.
    ImageIO.setUseCache(false);
    // Readers on the application's class path (WebP, TIFF) even where ImageIO's registry was first
    // filled from another class loader (Quarkus, test runners).
    ImageIO.scanForPlugins();
  }

  /** The formats Kiln reads (with the WebP and TIFF plugins the backend and the agent ship). */
  public static final String FORMATS = "PNG, JPEG, GIF, BMP, WebP or TIFF";

  private ImagePixels() {}

  /** The bytes are not an image a decoder here can read. */
  public static final class UndecodableException extends IOException {
    private final transient Text text;

    public UndecodableException(Text text) {
      super(text.english());
      this.text = text;
    }

    /** Why, in every language Kiln speaks. */
    public Text text() {
      return text;
    }
  }

  /** Decodes and turns the image upright (at most {@value #MAX_PIXELS} pixels). */
  public static BufferedImage decode(byte[] bytes) throws IOException {
    return decode(bytes, MAX_PIXELS);
  }

  /** The most pixels {@link #decode(byte[])} decodes: a 100-megapixel photo. */
  public static final long MAX_PIXELS = 100_000_000L;

  /**
   * Decodes and turns the image upright, refusing (before decoding) one whose header claims more
   * than {@code maxPixels}, so an image bomb never takes the memory it asks for.
   */
  public static BufferedImage decode(byte[] bytes, long maxPixels) throws IOException {
    BufferedImage image;
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new UndecodableException(Text.of("image.unreadable", "formats", FORMATS));
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > maxPixels) {
          throw new UndecodableException(
              Text.of(
                  "image.tooManyPixels",
                  "width",
                  reader.getWidth(0),
                  "height",
                  reader.getHeight(0),
                  "megapixels",
                  maxPixels / 1_000_000));
        }
        image = reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (UndecodableException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new UndecodableException(Text.of("image.damaged", "detail", e.getMessage()));
    }
    return ExifOrientation.upright(image, ExifOrientation.of(bytes));
  }

  /** True for an image with colour components (a grey JPEG or PNG is not). */
  public static boolean isColor(BufferedImage image) {
    return image.getColorModel().getNumColorComponents() >= 3;
  }

  /** A bilinear resize to {@code size x size}, as training does. */
  public static BufferedImage resize(BufferedImage src, int size) {
    BufferedImage dst = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = dst.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(src, 0, 0, size, size, null);
    g.dispose();
    return dst;
  }

  /** CHW floats in [0, 1] of a square image: RGB planes, or one luminance plane. */
  public static float[] toChw(BufferedImage image, int channels) {
    int size = image.getWidth();
    int plane = size * size;
    float[] out = new float[channels * plane];
    int[] rgb = image.getRGB(0, 0, size, size, null, 0, size);
    for (int p = 0; p < plane; p++) {
      int r = (rgb[p] >> 16) & 0xff;
      int g = (rgb[p] >> 8) & 0xff;
      int b = rgb[p] & 0xff;
      if (channels == 1) {
        out[p] = (0.299f * r + 0.587f * g + 0.114f * b) / 255f;
      } else {
        out[p] = r / 255f;
        out[plane + p] = g / 255f;
        out[2 * plane + p] = b / 255f;
      }
    }
    return out;
  }

  /** Everything at once: the input a model of {@code channels x size x size} takes. */
  public static float[] of(byte[] bytes, int channels, int size, long maxPixels)
      throws IOException {
    return toChw(resize(decode(bytes, maxPixels), size), channels);
  }
}
