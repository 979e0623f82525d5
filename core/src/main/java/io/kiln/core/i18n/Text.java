package io.kiln.core.i18n;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A sentence for people, as a message key and its named arguments, so each reader gets it in their
 * language: the server writes it in English (or the request's language) and sends the key and
 * arguments along, and the browser renders them from the same bundles. An argument may itself be a
 * {@code Text} (a clause inside a sentence).
 */
public record Text(String key, Map<String, Object> args) {
  public Text {
    args = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(args));
  }

  /** A text from its key and alternating argument names and values. */
  public static Text of(String key, Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("arguments of " + key + " must come in name, value pairs");
    }
    Map<String, Object> args = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      Object value = namesAndValues[i + 1];
      args.put((String) namesAndValues[i], value instanceof Text ? value : String.valueOf(value));
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
