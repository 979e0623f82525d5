package io.kiln.backend.advice;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kiln.backend.common.Localizable;
import io.kiln.core.i18n.Text;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A suggestion as the REST API and the live socket show it.
 *
 * @param active false once the rule no longer holds for the run
 * @param appliedRunId the child run created from it, if any
 * @param titleText the title as a message, for other languages (not sent)
 * @param explanationText the explanation as a message, or null (not sent)
 */
public record AdviceView(
    long id,
    long runId,
    String ruleId,
    List<String> trickIds,
    @Schema(enumeration = {"high", "medium", "low"}) String severity,
    String title,
    String explanation,
    Map<String, Object> evidence,
    Map<String, Object> patch,
    boolean active,
    Instant createdAt,
    Instant updatedAt,
    @Schema(nullable = true) Long appliedRunId,
    @JsonIgnore @Schema(hidden = true) Text titleText,
    @JsonIgnore @Schema(hidden = true) Text explanationText)
    implements Localizable<AdviceView> {

  /** The same suggestion with its title and explanation in the reader's language. */
  @Override
  public AdviceView in(Locale locale) {
    return new AdviceView(
        id,
        runId,
        ruleId,
        trickIds,
        severity,
        titleText == null ? title : titleText.in(locale),
        explanationText == null ? explanation : explanationText.in(locale),
        evidence,
        patch,
        active,
        createdAt,
        updatedAt,
        appliedRunId,
        titleText,
        explanationText);
  }

  /** Suggestions in the reader's language. */
  public static List<AdviceView> in(List<AdviceView> views, Locale locale) {
    return views.stream().map(v -> v.in(locale)).toList();
  }
}
