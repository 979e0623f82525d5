package io.kiln.backend.common;

import java.util.Locale;

/** A reply part that can write itself in the reader's language. */
public interface Localizable<T> {
  T in(Locale locale);
}
