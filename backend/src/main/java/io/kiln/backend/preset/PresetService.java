package io.kiln.backend.preset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.backend.common.ApiException;
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

/** Built-in presets (from core) and the team's custom ones (in the database), behind one id space. */
@ApplicationScoped
public class PresetService {
  static final String CUSTOM = "custom-";
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
  private final ObjectMapper json;

  PresetService(ObjectMapper json) {
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
      return new Preset(v.id(), v.name(), v.description(), v.whenToUse(), v.cost(), v.goal(), v.trickIds(),
          v.fields(), v.builtIn());
    } catch (ApiException e) {
      throw new ApiException(400, "presetId: preset '" + id + "' does not exist",
          List.of(Map.of("field", "presetId", "message", "no such preset")));
    }
  }

  @Transactional
  public PresetView create(Map<String, Object> body, String user) {
    CustomPreset preset = new CustomPreset();
    preset.createdAt = Instant.now();
    preset.createdBy = user;
    Object basedOn = body == null ? null : body.get("basedOn");
    preset.basedOn = basedOn == null ? null : get(basedOn.toString()).id();
    fill(preset, body);
    preset.persist();
    return view(preset);
  }

  @Transactional
  public PresetView update(String id, Map<String, Object> body) {
    CustomPreset preset = custom(editable(id));
    fill(preset, body);
    return view(preset);
  }

  @Transactional
  public void delete(String id) {
    custom(editable(id)).delete();
  }

  /** Name, description and fields, validated exactly like a run recipe (T-rules in core). */
  private void fill(CustomPreset preset, Map<String, Object> body) {
    if (body == null) {
      throw ApiException.badRequest("send a JSON object with name, description and fields");
    }
    Object name = body.get("name");
    Object description = body.getOrDefault("description", "");
    String problem = PresetRules.checkCard(name instanceof String s ? s : null,
        description instanceof String d ? d : null);
    if (problem != null || !(description instanceof String)) {
      String message = problem != null ? problem : "description: must be text";
      throw new ApiException(400, message, List.of(Map.of("field", message.substring(0, message.indexOf(':')),
          "message", message.substring(message.indexOf(':') + 2))));
    }
    if (!(body.get("fields") instanceof Map<?, ?> raw)) {
      throw new ApiException(400, "fields: give the recipe fields the preset sets as a JSON object",
          List.of(Map.of("field", "fields", "message", "is required")));
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    raw.forEach((k, v) -> fields.put(String.valueOf(k), v));
    Map<String, Object> normalized = new LinkedHashMap<>();
    var recipe = PresetRules.recipeOf(fields).toMap();
    new TreeSet<>(fields.keySet()).forEach(k -> normalized.put(k, recipe.get(k)));
    preset.name = ((String) name).trim();
    preset.description = (String) description;
    preset.recipe = write(normalized);
    preset.updatedAt = Instant.now();
  }

  private static String editable(String id) {
    if (BuiltInPresets.find(id).isPresent()) {
      throw new ApiException(409, "'" + id + "' is a built-in preset and cannot be changed; clone it (POST"
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
    RecipeFields.ALL.forEach(f -> {
      if (p.fields().containsKey(f.name())) {
        fields.put(f.name(), p.fields().get(f.name()));
      }
    });
    return new PresetView(p.id(), p.name(), p.description(), p.whenToUse(), p.cost(), p.goal(), p.trickIds(), fields,
        true, null, null, null);
  }

  private PresetView view(CustomPreset c) {
    Map<String, Object> fields = read(c.recipe);
    TreeSet<String> tricks = new TreeSet<>((a, b) -> Integer.compare(Integer.parseInt(a.substring(1)),
        Integer.parseInt(b.substring(1))));
    fields.keySet().forEach(f -> tricks.addAll(RecipeFields.get(f).trickIds()));
    return new PresetView(CUSTOM + c.id, c.name, c.description, "your team's own preset", "depends on its"
        + " fields", "custom", List.copyOf(tricks), fields, false, c.basedOn, c.createdBy, c.updatedAt);
  }

  private Map<String, Object> read(String text) {
    try {
      return json.readValue(text, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt preset fields", e);
    }
  }

  private String write(Map<String, Object> fields) {
    try {
      return json.writeValueAsString(fields);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
