package io.kiln.backend.run;

import io.kiln.core.preset.Adjustment;
import java.util.List;

/**
 * What Kiln changed in the preset a run was launched from (T6, T8, T10, T13, T17), and what the
 * user undid.
 */
public record RunAdjustments(
    String presetName, List<Adjustment> applied, List<Adjustment> undone) {}
