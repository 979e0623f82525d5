package io.kiln.backend.preset;

import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.Json;
import io.kiln.core.preset.BuiltInPresets;
import io.kiln.core.preset.Preset;
import io.kiln.core.preset.PresetRules;
import io.kiln.core.recipe.RecipeFields;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Built-in presets (from core) and the team's custom ones (in the database), behind one id space.
 */
@ApplicationScoped
public class PresetService {
  static final String CUSTOM = "custom-";
  private final Json json;

  PresetService(Json json) {
    this.json = json;
  }

  @Transactional
  public List<PresetView> list() {
    List<PresetView> views = new ArrayList<>();
    BuiltInPresets.ALL.forEach(p -> views.add(builtIn(p)));
    CustomPreset.<CustomPreset>listAll(Sort.ascending("id")).forEach(c -> views.add(view(c)));
    return views;
  }

  @Transactional
  public PresetView get(String id) {
    return BuiltInPresets.find(id).map(PresetService::builtIn).orElseGet(() -> view(custom(id)));
  }

  /** The preset as core's rules see it; 400 naming the id when there is none. */
  @Transactional
  public Preset resolve(String id) {
    try {
      PresetView v = get(id);
      return new Preset(
          v.id(),
          v.name(),
          v.description(),
          v.whenToUse(),
          v.cost(),
          v.goal(),
          v.trickIds(),
          v.fields(),
          v.builtIn());
    } catch (ApiException e) {
      throw ApiException.field(
          400, "presetId: preset '" + id + "' does not exist", "presetId", "no such preset");
    }
  }

  @Transactional
  public PresetView create(PresetRequests.PresetBody body, String user) {
    CustomPreset preset = new CustomPreset();
    preset.createdAt = Instant.now();
    preset.createdBy = user;
    preset.basedOn = body == null || body.basedOn() == null ? null : get(body.basedOn()).id();
    fill(preset, body);
    preset.persist();
    return view(preset);
  }

  @Transactional
  public PresetView update(String id, PresetRequests.PresetBody body) {
    CustomPreset preset = custom(editable(id));
    fill(preset, body);
    return view(preset);
  }

  @Transactional
  public void delete(String id) {
    custom(editable(id)).delete();
  }

  /** Name, description and fields, validated exactly like a run recipe (T-rules in core). */
  private void fill(CustomPreset preset, PresetRequests.PresetBody body) {
    if (body == null) {
      throw ApiException.badRequest("send a JSON object with name, description and fields");
    }
    String description = body.description() == null ? "" : body.description();
    String problem = PresetRules.checkCard(body.name(), description);
    if (problem != null) {
      int colon = problem.indexOf(':');
      throw ApiException.field(
          400, problem, problem.substring(0, colon), problem.substring(colon + 2));
    }
    if (body.fields() == null) {
      throw ApiException.field(
          400,
          "fields: give the recipe fields the preset sets as a JSON object",
          "fields",
          "is required");
    }
    Map<String, Object> normalized = new LinkedHashMap<>();
    var recipe = PresetRules.recipeOf(body.fields()).toMap();
    new TreeSet<>(body.fields().keySet()).forEach(k -> normalized.put(k, recipe.get(k)));
    preset.name = body.name().trim();
    preset.description = description;
    preset.recipe = json.write(normalized);
    preset.updatedAt = Instant.now();
  }

  private static String editable(String id) {
    if (BuiltInPresets.find(id).isPresent()) {
      throw new ApiException(
          409,
          "'"
              + id
              + "' is a built-in preset and cannot be changed; clone it (POST"
              + " /api/presets with basedOn) and edit the copy");
    }
    return id;
  }

  private static CustomPreset custom(String id) {
    CustomPreset preset = null;
    if (id != null && id.startsWith(CUSTOM)) {
      try {
        preset = CustomPreset.findById(Long.parseLong(id.substring(CUSTOM.length())));
      } catch (NumberFormatException ignored) {
        // falls through to the 404
      }
    }
    if (preset == null) {
      throw ApiException.notFound("preset", id);
    }
    return preset;
  }

  private static PresetView builtIn(Preset p) {
    Map<String, Object> fields = new LinkedHashMap<>();
    RecipeFields.ALL.forEach(
        f -> {
          if (p.fields().containsKey(f.name())) {
            fields.put(f.name(), p.fields().get(f.name()));
          }
        });
    return new PresetView(
        p.id(),
        p.name(),
        p.description(),
        p.whenToUse(),
        p.cost(),
        p.goal(),
        p.trickIds(),
        fields,
        true,
        null,
        null,
        null);
  }

  private PresetView view(CustomPreset c) {
    Map<String, Object> fields = json.readMap(c.recipe, "fields of preset " + c.id);
    TreeSet<String> tricks =
        new TreeSet<>(
            (a, b) ->
                Integer.compare(
                    Integer.parseInt(a.substring(1)), Integer.parseInt(b.substring(1))));
    fields.keySet().forEach(f -> tricks.addAll(RecipeFields.get(f).trickIds()));
    return new PresetView(
        CUSTOM + c.id,
        c.name,
        c.description,
        "your team's own preset",
        "depends on its" + " fields",
        "custom",
        List.copyOf(tricks),
        fields,
        false,
        c.basedOn,
        c.createdBy,
        c.updatedAt);
  }
}
