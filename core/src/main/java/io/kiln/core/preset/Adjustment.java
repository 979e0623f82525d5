package io.kiln.core.preset;

import io.kiln.core.i18n.Text;
import java.util.Locale;

/**
 * A change Kiln made to a preset for a particular dataset and batch size, with its reason.
 *
 * @param field the recipe field changed
 * @param trickId the documented trick that asks for it
 * @param why one plain sentence, in English
 * @param whyText the same sentence as a message, for other languages (null in older runs)
 */
public record Adjustment(
    String field, Object from, Object to, String trickId, String why, Text whyText) {
  public Adjustment(String field, Object from, Object to, String trickId, String why) {
    this(field, from, to, trickId, why, null);
  }

  /** The same change with its reason in the reader's language. */
  public Adjustment in(Locale locale) {
    return whyText == null
        ? this
        : new Adjustment(field, from, to, trickId, whyText.in(locale), whyText);
  }
}
