package io.kiln.backend.common;

import io.kiln.core.i18n.Messages;
import io.kiln.core.recipe.FieldError;
import jakarta.ws.rs.core.HttpHeaders;
import java.util.List;
import java.util.Locale;

/**
 * The language a reply is written in: the first of the request's {@code Accept-Language} that Kiln
 * speaks (Simplified Chinese or English), else English. The browser sends the person's pick.
 */
public final class Languages {
  private Languages() {}

  public static Locale of(HttpHeaders headers) {
    if (headers == null) {
      return Locale.ENGLISH;
    }
    try {
      return of(headers.getAcceptableLanguages());
    } catch (RuntimeException malformed) {
      return Locale.ENGLISH; // a malformed Accept-Language is not worth refusing the request for
    }
  }

  /** The first of the languages asked for (best first) that Kiln speaks, else English. */
  public static Locale of(List<Locale> asked) {
    try {
      for (Locale l : asked) {
        String language = l.getLanguage();
        if ("zh".equals(language)) {
          return Messages.CHINESE;
        }
        if ("en".equals(language)) {
          return Locale.ENGLISH;
        }
      }
    } catch (RuntimeException malformed) {
      // A malformed Accept-Language is not worth refusing the request for.
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
