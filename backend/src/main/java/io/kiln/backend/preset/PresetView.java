package io.kiln.backend.preset;

import io.kiln.backend.common.Localizable;
import io.kiln.core.i18n.Messages;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A preset as the REST API shows it: its card, its trick IDs and the recipe fields it sets. */
public record PresetView(
    String id,
    String name,
    String description,
    String whenToUse,
    String cost,
    String goal,
    List<String> trickIds,
    Map<String, Object> fields,
    boolean builtIn,
    @Schema(nullable = true) String basedOn,
    @Schema(nullable = true) String createdBy,
    @Schema(nullable = true) Instant updatedAt)
    implements Localizable<PresetView> {

  /**
   * The card in the reader's language: a built-in preset's words from the message bundles, a team's
   * own preset's name and description as its authors wrote them.
   */
  @Override
  public PresetView in(Locale locale) {
    Messages m = Messages.of(locale);
    String prefix = "preset." + id + ".";
    return new PresetView(
        id,
        builtIn ? m.orElse(prefix + "name", name) : name,
        builtIn ? m.orElse(prefix + "description", description) : description,
        builtIn ? m.orElse(prefix + "whenToUse", whenToUse) : m.template("preset.custom.whenToUse"),
        builtIn ? m.orElse(prefix + "cost", cost) : m.template("preset.custom.cost"),
        goal,
        trickIds,
        fields,
        builtIn,
        basedOn,
        createdBy,
        updatedAt);
  }
}
