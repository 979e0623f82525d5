package io.kiln.backend.common;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.Locale;

/**
 * Writes every reply that can ({@link Localizable}, or a list of them) in the request's language,
 * so resources stay unaware of languages.
 */
@Provider
public class LocalizingFilter implements ContainerResponseFilter {
  @Override
  public void filter(ContainerRequestContext request, ContainerResponseContext response) {
    Object entity = response.getEntity();
    if (!(entity instanceof Localizable<?>)
        && !(entity instanceof List<?> list
            && !list.isEmpty()
            && list.get(0) instanceof Localizable<?>)) {
      return;
    }
    Locale locale = Languages.of(request::getAcceptableLanguages);
    if (Locale.ENGLISH.equals(locale)) {
      return;
    }
    response.setEntity(localize(entity, locale));
  }

  private static Object localize(Object entity, Locale locale) {
    if (entity instanceof Localizable<?> one) {
      return one.in(locale);
    }
    return ((List<?>) entity)
        .stream().map(e -> e instanceof Localizable<?> l ? l.in(locale) : e).toList();
  }
}
