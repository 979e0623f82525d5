package io.kiln.core.preset;

import java.util.List;
import java.util.Map;

/**
 * A named starting recipe with a plain-language card.
 *
 * @param id a slug for built-in presets ({@code balanced}), {@code custom-<n>} for saved ones
 * @param goal what it is for: {@code fast}, {@code accuracy} or {@code small-data} (the wizard's
 *     question)
 * @param whenToUse when to pick it, in one sentence
 * @param cost what it costs (time, accuracy), in one sentence
 * @param trickIds the documented tricks it encodes (T1-T20)
 * @param fields the recipe fields it sets; every other field keeps its default
 */
public record Preset(
    String id,
    String name,
    String description,
    String whenToUse,
    String cost,
    String goal,
    List<String> trickIds,
    Map<String, Object> fields,
    boolean builtIn) {
  public Preset {
    trickIds = List.copyOf(trickIds);
    fields = Map.copyOf(fields);
  }
}
