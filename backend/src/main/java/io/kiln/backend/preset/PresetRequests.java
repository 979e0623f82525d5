package io.kiln.backend.preset;

import io.kiln.backend.common.Localizable;
import io.kiln.core.preset.Adjustment;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The request and reply bodies of the preset endpoints. */
public final class PresetRequests {
  private PresetRequests() {}

  /**
   * A custom preset to create or replace, validated exactly like a run recipe.
   *
   * @param fields the recipe fields the preset sets (see GET /api/recipe/fields)
   * @param basedOn the preset it was cloned from, if any
   */
  public record PresetBody(
      @Schema(required = true) String name,
      String description,
      @Schema(required = true) Map<String, Object> fields,
      String basedOn) {}

  /**
   * What to preview: the dataset, the user's own field values, the adjustments to undo, and the
   * agent whose measured speed the estimate uses (admins).
   */
  public record PreviewRequest(
      @Schema(required = true) Long datasetId,
      Map<String, Object> fields,
      List<String> undoAdjustments,
      Long agentId) {}

  /**
   * The recipe a launch would train, what Kiln adjusted for the dataset, what was undone, and how
   * long it takes.
   */
  public record PresetPreview(
      String presetId,
      Map<String, Object> recipe,
      List<Adjustment> adjustments,
      List<Adjustment> undone,
      Estimate estimate)
      implements Localizable<PresetPreview> {
    /** Kiln's reasons and the estimate's basis in the reader's language. */
    @Override
    public PresetPreview in(Locale locale) {
      return new PresetPreview(
          presetId,
          recipe,
          adjustments.stream().map(a -> a.in(locale)).toList(),
          undone.stream().map(a -> a.in(locale)).toList(),
          estimate == null ? null : estimate.in(locale));
    }
  }
}
