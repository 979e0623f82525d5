package io.kiln.agent.training.data;

/**
 * One image as CHW floats in [0, 1] while it is augmented, with the pixel operations the
 * augmentations are built from. Mutable, owned by one worker thread at a time.
 */
final class Image {
  final int channels;
  final int size;
  float[] px;

  Image(int channels, int size, float[] px) {
    this.channels = channels;
    this.size = size;
    this.px = px;
  }

  int plane() {
    return size * size;
  }

  float get(int c, int y, int x) {
    return px[c * size * size + y * size + x];
  }

  /** Bilinear sample at a real position, {@code fill} outside the image. */
  float sample(int c, double y, double x, float fill) {
    if (y < -0.5 || x < -0.5 || y > size - 0.5 || x > size - 0.5) {
      return fill;
    }
    double cy = Math.min(Math.max(y, 0), size - 1);
    double cx = Math.min(Math.max(x, 0), size - 1);
    int y0 = (int) Math.floor(cy);
    int x0 = (int) Math.floor(cx);
    int y1 = Math.min(y0 + 1, size - 1);
    int x1 = Math.min(x0 + 1, size - 1);
    double dy = cy - y0;
    double dx = cx - x0;
    double top = get(c, y0, x0) * (1 - dx) + get(c, y0, x1) * dx;
    double bottom = get(c, y1, x0) * (1 - dx) + get(c, y1, x1) * dx;
    return (float) (top * (1 - dy) + bottom * dy);
  }

  /** Crops the box (top, left, height, width) and resizes it back to the full size, bilinearly. */
  void cropResize(double top, double left, double height, double width) {
    float[] out = new float[px.length];
    double sy = height / size;
    double sx = width / size;
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < size; y++) {
        double srcY = top + (y + 0.5) * sy - 0.5;
        for (int x = 0; x < size; x++) {
          out[c * plane() + y * size + x] = sample(c, srcY, left + (x + 0.5) * sx - 0.5, 0f);
        }
      }
    }
    px = out;
  }

  void flipHorizontal() {
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < size; y++) {
        int row = c * plane() + y * size;
        for (int x = 0; x < size / 2; x++) {
          float t = px[row + x];
          px[row + x] = px[row + size - 1 - x];
          px[row + size - 1 - x] = t;
        }
      }
    }
  }

  void flipVertical() {
    float[] row = new float[size];
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < size / 2; y++) {
        int a = c * plane() + y * size;
        int b = c * plane() + (size - 1 - y) * size;
        System.arraycopy(px, a, row, 0, size);
        System.arraycopy(px, b, px, a, size);
        System.arraycopy(row, 0, px, b, size);
      }
    }
  }

  /**
   * Applies the inverse affine map (output pixel -> source position) about the image centre: {@code
   * src = M * (dst - centre) + centre + (tx, ty)}; the fill is mid-grey as in PIL.
   */
  void affine(double m00, double m01, double m10, double m11, double tx, double ty) {
    float[] out = new float[px.length];
    double centre = (size - 1) / 2.0;
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < size; y++) {
        for (int x = 0; x < size; x++) {
          double dx = x - centre;
          double dy = y - centre;
          double srcX = m00 * dx + m01 * dy + centre + tx;
          double srcY = m10 * dx + m11 * dy + centre + ty;
          out[c * plane() + y * size + x] = sample(c, srcY, srcX, 0.5f);
        }
      }
    }
    px = out;
  }

  /**
   * Blends towards {@code other} pixel values: {@code other + factor * (this - other)}, clamped.
   */
  void blend(float[] other, float factor) {
    for (int i = 0; i < px.length; i++) {
      px[i] = clamp(other[i] + factor * (px[i] - other[i]));
    }
  }

  /** Per-pixel luminance replicated over the channels (the image itself for grayscale). */
  float[] grayscale() {
    if (channels == 1) {
      return px.clone();
    }
    float[] out = new float[px.length];
    int plane = plane();
    for (int p = 0; p < plane; p++) {
      float l = 0.299f * px[p] + 0.587f * px[plane + p] + 0.114f * px[2 * plane + p];
      out[p] = l;
      out[plane + p] = l;
      out[2 * plane + p] = l;
    }
    return out;
  }

  float mean() {
    double sum = 0;
    for (float v : px) {
      sum += v;
    }
    return (float) (sum / px.length);
  }

  /**
   * Sets the box (rows y0..y1, columns x0..x1, exclusive ends, clipped) of every channel to {@code
   * value}.
   */
  void fill(int y0, int x0, int y1, int x1, float value) {
    int top = Math.max(0, y0);
    int left = Math.max(0, x0);
    int bottom = Math.min(size, y1);
    int right = Math.min(size, x1);
    for (int c = 0; c < channels; c++) {
      for (int y = top; y < bottom; y++) {
        int row = c * plane() + y * size;
        java.util.Arrays.fill(px, row + left, Math.max(row + left, row + right), value);
      }
    }
  }

  static float clamp(float v) {
    return v < 0 ? 0 : (v > 1 ? 1 : v);
  }
}
