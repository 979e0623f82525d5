package io.kiln.core.data;

import io.kiln.core.i18n.Text;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
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
  public static class UndecodableException extends IOException {
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
    return read(bytes, maxPixels, 0, DecodeBudget.unlimited(), Duration.ZERO).image();
  }

  /** The header claims more pixels than the caller decodes. */
  public static final class TooManyPixelsException extends UndecodableException {
    private final int width;
    private final int height;

    TooManyPixelsException(int width, int height, long maxPixels) {
      super(
          Text.of(
              "image.tooManyPixels",
              "width",
              width,
              "height",
              height,
              "megapixels",
              maxPixels / 1_000_000));
      this.width = width;
      this.height = height;
    }

    public int width() {
      return width;
    }

    public int height() {
      return height;
    }
  }

  /**
   * A decoded image, upright, with the size of the encoded picture (upright too): the image itself
   * is smaller where it was read subsampled.
   */
  public record Decoded(BufferedImage image, int width, int height) {}

  /** The formats whose readers here subsample while reading (others decode whole, then drop). */
  private static final java.util.Set<String> SUBSAMPLING_READERS =
      java.util.Set.of("png", "jpeg", "jpg", "gif", "bmp");

  /**
   * Decodes no more pixels than the use needs: every {@code step}-th row and column, the largest
   * step that keeps at least {@code 2 x keepSide} pixels each way ({@code keepSide} 0: every
   * pixel). Training and predictions read alike, so a model sees at prediction time what it saw in
   * training. The decode takes its cost from {@code budget} first (waiting at most {@code wait}):
   * an image is never decoded where the budget cannot hold it.
   */
  public static Decoded read(
      byte[] bytes, long maxPixels, int keepSide, DecodeBudget budget, Duration wait)
      throws IOException {
    try (DecodeBudget.Lease lease = budget.lease()) {
      return read(bytes, maxPixels, keepSide, lease, wait);
    }
  }

  /**
   * The same, growing a lease that already holds what the caller keeps (the file's bytes) by the
   * decode's cost; the lease keeps the whole until the caller closes it.
   */
  public static Decoded read(
      byte[] bytes, long maxPixels, int keepSide, DecodeBudget.Lease lease, Duration wait)
      throws IOException {
    BufferedImage image;
    int width;
    int height;
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new UndecodableException(Text.of("image.unreadable", "formats", FORMATS));
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        width = reader.getWidth(0);
        height = reader.getHeight(0);
        if ((long) width * height > maxPixels) {
          throw new TooManyPixelsException(width, height, maxPixels);
        }
        int stepX = step(width, keepSide);
        int stepY = step(height, keepSide);
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceSubsampling(stepX, stepY, 0, 0);
        String format = reader.getFormatName().toLowerCase(java.util.Locale.ROOT);
        long cost = cost(bytes, width, height, stepX, stepY, SUBSAMPLING_READERS.contains(format));
        lease.growTo(lease.bytes() + cost, wait);
        try (DecodeBudget.Lane lane = lease.lane((long) width * height, wait)) {
          image = reader.read(0, param);
        }
        image = ExifOrientation.upright(image, ExifOrientation.of(bytes));
      } finally {
        reader.dispose();
      }
    } catch (UndecodableException | DecodeBudget.BusyException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new UndecodableException(Text.of("image.damaged", "detail", e.getMessage()));
    }
    boolean turned = ExifOrientation.of(bytes) >= 5;
    return new Decoded(image, turned ? height : width, turned ? width : height);
  }

  private static int step(int side, int keepSide) {
    return keepSide <= 0 ? 1 : Math.max(1, side / (2 * keepSide));
  }

  /**
   * The memory a decode holds at its peak, in bytes: the decoded pixels (up to 8 bytes each, for
   * 16-bit RGBA) and their upright copy, the reader's rows, the stream's copy of the file, and a
   * progressive JPEG's coefficients for the whole picture (libjpeg keeps them until the last scan).
   * A reader that cannot subsample as it reads is charged for the whole picture.
   */
  static long cost(
      byte[] bytes, int width, int height, int stepX, int stepY, boolean subsamplesWhileReading) {
    long source = (long) width * height;
    long kept = subsamplesWhileReading ? ceilDiv(width, stepX) * ceilDiv(height, stepY) : source;
    long coefficients = progressiveJpeg(bytes) ? source * 6 : 0;
    return kept * 12 + (long) width * 16 + bytes.length + coefficients;
  }

  private static long ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /** True for a JPEG whose frame is progressive (SOF2, SOF6, SOF10 or SOF14). */
  static boolean progressiveJpeg(byte[] b) {
    if (b.length < 4 || (b[0] & 0xff) != 0xff || (b[1] & 0xff) != 0xd8) {
      return false;
    }
    int pos = 2;
    while (pos + 4 <= b.length && (b[pos] & 0xff) == 0xff) {
      int marker = b[pos + 1] & 0xff;
      if (marker == 0xc2 || marker == 0xc6 || marker == 0xca || marker == 0xce) {
        return true;
      }
      if (marker == 0xda) {
        return false;
      }
      int length = ((b[pos + 2] & 0xff) << 8) | (b[pos + 3] & 0xff);
      if (length < 2) {
        return false;
      }
      pos += 2 + length;
    }
    return false;
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
    return of(bytes, channels, size, maxPixels, DecodeBudget.unlimited(), Duration.ZERO);
  }

  /** The same within a decode budget: read subsampled for {@code size} (as training reads). */
  public static float[] of(
      byte[] bytes, int channels, int size, long maxPixels, DecodeBudget budget, Duration wait)
      throws IOException {
    return toChw(resize(read(bytes, maxPixels, size, budget, wait).image(), size), channels);
  }
}
