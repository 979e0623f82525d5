package io.kiln.backend.preset;

import java.time.Instant;
import java.util.List;
import java.util.Map;

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
    String basedOn,
    String createdBy,
    Instant updatedAt) {}
