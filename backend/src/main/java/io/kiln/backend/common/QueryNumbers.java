package io.kiln.backend.common;

/**
 * Whole numbers from a query string, parsed here rather than by JAX-RS: a conversion JAX-RS fails
 * answers 404 as if the address did not exist, where {@code ?top=abc} is a 400 naming {@code top}.
 */
public final class QueryNumbers {
  private QueryNumbers() {}

  /** {@code raw} as an int, {@code absent} when it is missing or blank; a 400 otherwise. */
  public static int integer(String raw, String name, int absent) {
    if (raw == null || raw.isBlank()) {
      return absent;
    }
    try {
      return Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.field(
          400, name + " must be a whole number, not '" + shown(raw) + "'", name, "not a number");
    }
  }

  /** {@code raw} as a Long, null when it is missing or blank; a 400 otherwise. */
  public static Long optionalLong(String raw, String name) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    try {
      return Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.field(
          400, name + " must be a whole number, not '" + shown(raw) + "'", name, "not a number");
    }
  }

  private static String shown(String raw) {
    String clean = raw.replaceAll("[^\\x20-\\x7e]", "?");
    return clean.length() > 40 ? clean.substring(0, 40) + "..." : clean;
  }
}
