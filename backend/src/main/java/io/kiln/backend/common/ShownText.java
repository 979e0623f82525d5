package io.kiln.backend.common;

import io.kiln.core.i18n.Text;
import io.kiln.core.text.HiddenCharacters;

/**
 * What people type that others will read (names of datasets, runs, presets, teams, keys, agents,
 * display names; comments and descriptions) holds no {@link HiddenCharacters}: a 400 naming the
 * field and the character's code, before anything is stored. Comments and descriptions may hold
 * line breaks and tabs.
 */
public final class ShownText {
  private ShownText() {}

  /** {@code value} unchanged, or a 400 naming {@code field} when it holds a hidden character. */
  public static String name(String field, String value) {
    return checked(field, value, value);
  }

  /** Like {@link #name}, with line breaks and tabs allowed. */
  public static String text(String field, String value) {
    return checked(field, value, value == null ? null : value.replaceAll("[\r\n\t]", " "));
  }

  private static String checked(String field, String value, String shown) {
    String hidden = shown == null ? null : HiddenCharacters.first(shown);
    if (hidden != null) {
      throw ApiException.field(
          400,
          field,
          Text.of("error.hiddenCharacter", "field", field, "character", hidden),
          Text.of("error.hiddenCharacterProblem", "character", hidden));
    }
    return value;
  }
}
