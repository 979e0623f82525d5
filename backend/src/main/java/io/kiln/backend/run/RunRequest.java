package io.kiln.backend.run;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A launch: the dataset, optionally a preset with the adjustments to undo, a name and the autopilot
 * budget; every other property is a recipe field (see {@code GET /api/recipe/fields}), validated by
 * core's rules.
 */
@Schema(
    description =
        "A launch. Besides these properties, any recipe field of GET /api/recipe/fields may be"
            + " given at the top level (e.g. \"epochs\": 5).",
    additionalProperties = Schema.True.class)
public final class RunRequest {
  /** The dataset version to train on. */
  @Schema(required = true)
  public Long datasetId;

  /** A name for the run; by default one is made from the dataset and preset. */
  public String name;

  /** Follow-up runs the autopilot may start (0-10, default 0). */
  public Integer autopilot;

  /** Launch from this preset, fitted to the dataset (e.g. {@code balanced}). */
  public String presetId;

  /** Recipe fields whose preset adjustment is undone. */
  public List<String> undoAdjustments;

  /** Labels the agent must carry (e.g. {@code gpu=a100}); only matching agents claim the run. */
  public List<String> requiredLabels;

  /** The device memory the agent must have, in GB. */
  public Double minDeviceMemoryGb;

  /** Higher is handed out first (-10 to 10, default 0). */
  public Integer priority;

  @Schema(hidden = true)
  private final Map<String, Object> fields = new LinkedHashMap<>();

  @JsonAnySetter
  void field(String name, Object value) {
    fields.put(name, value);
  }

  /** The recipe fields given (every property that is not one of the launch's own). */
  @Schema(hidden = true)
  public Map<String, Object> fields() {
    return fields;
  }
}
