package io.kiln.core.preset;

import io.kiln.core.recipe.Recipe;
import io.kiln.core.recipe.RecipeParser;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Presets are validated exactly like a run recipe, except for the choices only a launch can make:
 * which uploaded backbone or earlier run to start from.
 */
public final class PresetRules {
  private static final RecipeParser PARSER = new RecipeParser(Set.of());

  private PresetRules() {}

  /**
   * The recipe a preset stands for; throws {@link io.kiln.core.recipe.RecipeException} naming the
   * fields at fault. A starting backbone or run it does not name is filled with a placeholder id.
   */
  public static Recipe recipeOf(Map<String, ?> fields) {
    Map<String, Object> complete = new LinkedHashMap<>(fields);
    Object weights = fields.get("initialWeights");
    if ("backbone".equals(weights) && fields.get("backboneId") == null) {
      complete.put("backboneId", 1L);
    }
    if ("run".equals(weights) && fields.get("initialRunId") == null) {
      complete.put("initialRunId", 1L);
    }
    return PARSER.parse(complete);
  }

  /** Checks a custom preset's card; returns the problem or null. */
  public static String checkCard(String name, String description) {
    if (name == null || name.isBlank() || name.trim().length() > 100) {
      return "name: give the preset a name of 1 to 100 characters";
    }
    if (description != null && description.length() > 2000) {
      return "description: at most 2,000 characters";
    }
    return null;
  }
}
