package io.kiln.backend.run;

import io.kiln.core.preset.Adjustment;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What Kiln changed in the preset a run was launched from (T6, T8, T10, T13, T17), and what the
 * user undid.
 */
public record RunAdjustments(
    @Schema(nullable = true) String presetName,
    List<Adjustment> applied,
    List<Adjustment> undone) {}
