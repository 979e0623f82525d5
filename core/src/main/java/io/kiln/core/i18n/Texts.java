package io.kiln.core.i18n;

import java.util.Locale;

/** Numbers as a message argument: written the same way in every language (digits and a dot). */
public final class Texts {
  private Texts() {}

  /** {@code value} with {@code significant} significant digits ({@code %g}). */
  public static String number(double value, int significant) {
    return String.format(Locale.ROOT, "%." + significant + "g", value);
  }

  /** {@code value} with {@code digits} digits after the point. */
  public static String fixed(double value, int digits) {
    return String.format(Locale.ROOT, "%." + digits + "f", value);
  }

  /** {@code value} rounded to a whole number. */
  public static String whole(double value) {
    return fixed(value, 0);
  }

  /** A fraction (0.726) as a percentage figure without the sign ("72.6" with 1 digit). */
  public static String percent(double fraction, int digits) {
    return fixed(fraction * 100, digits);
  }
}
