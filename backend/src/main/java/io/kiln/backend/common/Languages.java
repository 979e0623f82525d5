package io.kiln.backend.common;

import io.kiln.core.i18n.Messages;
import io.kiln.core.recipe.FieldError;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The language a reply is written in: the first of the request's {@code Accept-Language} that Kiln
 * speaks (Simplified Chinese or English), else English. The browser sends the person's pick.
 */
public final class Languages {
  private Languages() {}

  public static Locale of(HttpHeaders headers) {
    return headers == null ? Locale.ENGLISH : of(headers::getAcceptableLanguages);
  }

  /** The language of a request's reply (a malformed Accept-Language reads as English). */
  public static Locale of(Supplier<List<Locale>> acceptableLanguages) {
    try {
      return of(acceptableLanguages.get());
    } catch (RuntimeException malformed) {
      return Locale.ENGLISH; // not worth refusing the request for
    }
  }

  /** The first of the languages asked for (best first) that Kiln speaks, else English. */
  public static Locale of(List<Locale> asked) {
    for (Locale l : asked) {
      String language = l.getLanguage();
      if ("zh".equals(language)) {
        return Messages.CHINESE;
      }
      if ("en".equals(language)) {
        return Locale.ENGLISH;
      }
    }
    return Locale.ENGLISH;
  }

  /** Field errors in the reader's language (those without a message key stay as they are). */
  public static List<FieldError> localize(List<FieldError> fields, Locale locale) {
    return fields.stream()
        .map(f -> f.text() == null ? f : new FieldError(f.field(), f.text().in(locale), f.text()))
        .toList();
  }
}
