package io.kiln.core.i18n;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A sentence for people, as a message key and its named arguments, so each reader gets it in their
 * language: the server keeps it (with a suggestion, a finding, an adjustment) and writes it in the
 * language each reply asks for. An argument is text, or itself a {@code Text} (a clause inside a
 * sentence).
 */
public record Text(String key, Map<String, Object> args) {
  /**
   * Arguments are kept as text or as nested texts; a nested text read back from JSON (a map with a
   * {@code key}) becomes a {@code Text} again, so a stored sentence renders as it was written.
   */
  public Text {
    Map<String, Object> kept = new LinkedHashMap<>();
    if (args != null) {
      args.forEach((name, value) -> kept.put(name, argument(value)));
    }
    args = Collections.unmodifiableMap(kept);
  }

  @SuppressWarnings("unchecked")
  private static Object argument(Object value) {
    if (value instanceof Map<?, ?> nested && nested.get("key") instanceof String key) {
      Object inner = nested.get("args");
      return new Text(key, inner instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of());
    }
    return value instanceof Text ? value : String.valueOf(value);
  }

  /** A text from its key and alternating argument names and values. */
  public static Text of(String key, Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("arguments of " + key + " must come in name, value pairs");
    }
    Map<String, Object> args = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      args.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return new Text(key, args);
  }

  /** The sentence in English. */
  public String english() {
    return Messages.ENGLISH.format(this);
  }

  /** The sentence in the given language (English where the language has no bundle). */
  public String in(Locale locale) {
    return Messages.of(locale).format(this);
  }

  @Override
  public String toString() {
    return english();
  }
}
