package io.kiln.backend.preset;

import io.kiln.backend.audit.Audit;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.Json;
import io.kiln.backend.common.ShownText;
import io.kiln.core.i18n.Messages;
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

  private final Audit audit;

  PresetService(Json json, Audit audit) {
    this.json = json;
    this.audit = audit;
  }

  /** The built-in presets, then the custom ones of the caller's teams. */
  @Transactional
  public List<PresetView> list(Caller caller) {
    List<PresetView> views = new ArrayList<>();
    BuiltInPresets.ALL.forEach(p -> views.add(builtIn(p)));
    caller
        .listScope()
        .map(teams -> CustomPreset.<CustomPreset>find("teamId in ?1", Sort.ascending("id"), teams))
        .orElseGet(() -> CustomPreset.findAll(Sort.ascending("id")))
        .stream()
        .forEach(c -> views.add(view(c)));
    return views;
  }

  /** A built-in preset, or a custom one the caller sees ({@code caller} null: any). */
  @Transactional
  public PresetView get(String id, Caller caller) {
    return BuiltInPresets.find(id)
        .map(PresetService::builtIn)
        .orElseGet(() -> view(custom(id, caller)));
  }

  /**
   * The preset as core's rules see it; 400 naming the id when there is none (or the caller does not
   * see it; {@code caller} null: any).
   */
  @Transactional
  public Preset resolve(String id, Caller caller) {
    try {
      PresetView v = get(id, caller);
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
  public PresetView create(PresetRequests.PresetBody body, Caller caller) {
    CustomPreset preset = new CustomPreset();
    preset.createdAt = Instant.now();
    preset.createdBy = caller.name();
    preset.teamId = caller.teamForNew();
    preset.basedOn =
        body == null || body.basedOn() == null ? null : get(body.basedOn(), caller).id();
    fill(preset, body);
    preset.persist();
    audit.record(caller.name(), "preset-saved", "preset " + CUSTOM + preset.id, preset.name);
    return view(preset);
  }

  /** The one who made a preset or a lead of its team changes it. */
  @Transactional
  public PresetView update(String id, PresetRequests.PresetBody body, Caller caller) {
    CustomPreset preset = custom(editable(id), caller);
    caller.change(preset.teamId, preset.createdBy, "preset", id, "change preset " + id);
    fill(preset, body);
    audit.record(caller.name(), "preset-saved", "preset " + id, preset.name);
    return view(preset);
  }

  @Transactional
  public void delete(String id, Caller caller) {
    CustomPreset preset = custom(editable(id), caller);
    caller.change(preset.teamId, preset.createdBy, "preset", id, "delete preset " + id);
    preset.delete();
    audit.record(caller.name(), "preset-deleted", "preset " + id, preset.name);
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
    ShownText.name("name", body.name());
    ShownText.text("description", description);
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

  private static CustomPreset custom(String id, Caller caller) {
    CustomPreset preset = null;
    if (id != null && id.startsWith(CUSTOM)) {
      try {
        preset = CustomPreset.findById(Long.parseLong(id.substring(CUSTOM.length())));
      } catch (NumberFormatException ignored) {
        // falls through to the 404
      }
    }
    if (preset == null || (caller != null && !caller.sees(preset.teamId))) {
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
        Messages.ENGLISH.template("preset.custom.whenToUse"),
        Messages.ENGLISH.template("preset.custom.cost"),
        "custom",
        List.copyOf(tricks),
        fields,
        false,
        c.basedOn,
        c.createdBy,
        c.updatedAt);
  }
}
