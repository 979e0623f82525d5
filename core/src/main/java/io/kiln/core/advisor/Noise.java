package io.kiln.core.advisor;

/**
 * How sure an accuracy measured on a number of images is (T16: a lucky validation spike is not
 * quality). An accuracy of p on n images is a binomial estimate: its 95 % interval is Wilson's, and
 * a difference between two such estimates is within noise while it is inside their combined
 * interval. The curve rules (A1, A2, A3, A5, A7) compare their gaps and swings with these before
 * they speak. A count of 0 means unknown: no interval, as before the count was known.
 */
public final class Noise {
  /** 95 % two-sided. */
  static final double Z = 1.96;

  /**
   * Training images the agent scores without augmentation at each epoch's end ({@code
   * fitAccuracy}): enough to know the fit to about +/- 3 points at 85 %, a few percent of an
   * epoch's work.
   */
  public static final int FIT_SAMPLE = 512;

  /** The half-width a judgement of fit wants: the usual 5-point gaps stand out of it. */
  public static final double ENOUGH = 0.03;

  private Noise() {}

  /** How many training images the clean fit measure scores. */
  public static int fitSample(int trainImages) {
    return Math.max(0, Math.min(trainImages, FIT_SAMPLE));
  }

  /** Half the width of the 95 % Wilson interval of accuracy {@code p} on {@code n} images. */
  public static double halfWidth(double p, int n) {
    if (n <= 0 || Double.isNaN(p)) {
      return 0;
    }
    double q = Math.min(1, Math.max(0, p));
    double z2 = Z * Z;
    return Z / (1 + z2 / n) * Math.sqrt(q * (1 - q) / n + z2 / (4.0 * n * n));
  }

  /** The 95 % Wilson interval of accuracy {@code p} on {@code n} images: {low, high}. */
  public static double[] interval(double p, int n) {
    if (n <= 0 || Double.isNaN(p)) {
      return new double[] {p, p};
    }
    double q = Math.min(1, Math.max(0, p));
    double z2 = Z * Z;
    double centre = (q + z2 / (2.0 * n)) / (1 + z2 / n);
    double half = halfWidth(q, n);
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }

  /**
   * How far accuracy {@code a} (on {@code na} images) must lie above {@code b} (on {@code nb}) to
   * be above it beyond noise: the room above b and below a inside their 95 % Wilson intervals, in
   * quadrature. Direction matters near 100 %, where an interval is lopsided: 97.8 % on 90 images is
   * anywhere from 92.3 % to 99.4 %.
   */
  public static double above(double a, int na, double b, int nb) {
    double roomB = nb <= 0 ? 0 : interval(b, nb)[1] - b;
    double roomA = na <= 0 ? 0 : a - interval(a, na)[0];
    return Math.sqrt(
        Math.max(0, roomA) * Math.max(0, roomA) + Math.max(0, roomB) * Math.max(0, roomB));
  }

  /**
   * Half the width of the 95 % interval of the difference between two independent accuracies
   * (normal approximation, each variance at least that of one image in the count, so 100 % on 90
   * images is not certainty).
   */
  public static double differenceHalfWidth(double p1, int n1, double p2, int n2) {
    return Z * Math.sqrt(variance(p1, n1) + variance(p2, n2));
  }

  /** Images needed for the 95 % interval of an accuracy near {@code p} to be {@code +/- width}. */
  public static int imagesFor(double p, double width) {
    double q = Math.min(0.99, Math.max(0.01, Double.isNaN(p) ? 0.5 : p));
    return (int) Math.ceil(Z * Z * q * (1 - q) / (width * width));
  }

  private static double variance(double p, int n) {
    if (n <= 0 || Double.isNaN(p)) {
      return 0;
    }
    double q = Math.min(1, Math.max(0, p));
    return Math.max(q * (1 - q), 1.0 / n) / n;
  }
}
