package io.kiln.core.text;

/**
 * Characters a name must not hold because a person cannot see them, or they change how the text
 * around them is shown: C0 and C1 controls, the direction marks, embeddings, overrides and isolates
 * ({@code U+061C}, {@code U+200E}, {@code U+200F}, {@code U+202A}-{@code U+202E}, {@code
 * U+2066}-{@code U+2069}: "Trojan Source"), and invisible ones (the zero-width space {@code
 * U+200B}, word joiner and invisible operators {@code U+2060}-{@code U+2064}, line and paragraph
 * separators {@code U+2028}, {@code U+2029}, the byte-order mark {@code U+FEFF}, the soft hyphen
 * {@code U+00AD}). Two names that look the same, or a class folder named "cats" that reads "stac"
 * on the page, would mislead whoever reads them. The zero-width non-joiner and joiner ({@code
 * U+200C}, {@code U+200D}) pass: Persian and Indic words and emoji sequences need them.
 */
public final class HiddenCharacters {
  private HiddenCharacters() {}

  public static boolean isHidden(int c) {
    return c < 0x20
        || (c >= 0x7f && c < 0xa0)
        || c == 0xad
        || c == 0x061c
        || c == 0x200b
        || c == 0x200e
        || c == 0x200f
        || (c >= 0x2028 && c <= 0x202e)
        || (c >= 0x2060 && c <= 0x2069)
        || c == 0xfeff;
  }

  /** The first hidden character of {@code text} as {@code U+202E}, or null when there is none. */
  public static String first(String text) {
    return text.codePoints()
        .filter(HiddenCharacters::isHidden)
        .mapToObj(c -> String.format("U+%04X", c))
        .findFirst()
        .orElse(null);
  }

  /** The text with each hidden character shown as '?', safe to put in a message. */
  public static String printable(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> out.appendCodePoint(isHidden(c) ? '?' : c));
    return out.toString();
  }

  /** The text without its hidden characters (for a name Kiln derives, e.g. from a file's name). */
  public static String removed(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().filter(c -> !isHidden(c)).forEach(out::appendCodePoint);
    return out.toString();
  }
}
