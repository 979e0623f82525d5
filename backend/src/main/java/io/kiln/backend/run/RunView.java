package io.kiln.backend.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kiln.backend.common.Localizable;
import io.kiln.core.advisor.ValidationSplit;
import io.kiln.core.i18n.Messages;
import io.kiln.core.i18n.Text;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A run as the REST API and the live socket show it; state is lower case (queued, running, ...).
 */
public record RunView(
    long id,
    String name,
    long datasetId,
    String datasetName,
    @Schema(
            enumeration = {
              "queued",
              "assigned",
              "running",
              "cancelling",
              "succeeded",
              "failed",
              "cancelled"
            })
        String state,
    Map<String, Object> recipe,
    Instant createdAt,
    String createdBy,
    @Schema(nullable = true) Instant startedAt,
    @Schema(nullable = true) Instant finishedAt,
    @Schema(nullable = true) Long agentId,
    @Schema(nullable = true) String device,
    int totalEpochs,
    int currentEpoch,
    long stepsPerEpoch,
    long lastStep,
    @Schema(nullable = true) Double bestValAccuracy,
    @Schema(nullable = true) String failureReason,
    @Schema(nullable = true) String failureField,
    boolean modelAvailable,
    boolean onnxAvailable,
    @Schema(nullable = true) String onnxUnavailableReason,
    @Schema(nullable = true) String note,
    @Schema(nullable = true) RunEvaluation evaluation,
    @Schema(nullable = true) Long parentId,
    @Schema(nullable = true) Long suggestionId,
    int autopilot,
    boolean autopilotChild,
    @Schema(nullable = true) String autopilotNote,
    int datasetVersion,
    @Schema(nullable = true) Double testAccuracy,
    @Schema(nullable = true) String presetId,
    @Schema(nullable = true) RunAdjustments adjustments,
    long teamId,
    List<String> tags,
    @Schema(nullable = true) String remarks,
    @Schema(nullable = true) Review review,
    @Schema(nullable = true) ReviewAsk reviewRequest,
    @Schema(nullable = true) Instant archivedAt,
    @Schema(nullable = true) Double imagesPerSecond,
    int attempts,
    int checkpointEpoch,
    List<String> requiredLabels,
    @Schema(nullable = true) Double minDeviceMemoryGb,
    int priority,
    @Schema(nullable = true) ValidationSplit validation,
    @JsonIgnore @Schema(hidden = true) Text autopilotNoteText)
    implements Localizable<RunView> {

  /**
   * The run with Kiln's reasons for adjusting its preset and the autopilot's note in the reader's
   * language.
   */
  @Override
  public RunView in(Locale locale) {
    if (adjustments == null && autopilotNoteText == null) {
      return this;
    }
    RunAdjustments localized =
        adjustments == null
            ? null
            : new RunAdjustments(
                presetId == null
                    ? adjustments.presetName()
                    : Messages.of(locale)
                        .orElse("preset." + presetId + ".name", adjustments.presetName()),
                adjustments.applied().stream().map(a -> a.in(locale)).toList(),
                adjustments.undone().stream().map(a -> a.in(locale)).toList());
    return new RunView(
        id,
        name,
        datasetId,
        datasetName,
        state,
        recipe,
        createdAt,
        createdBy,
        startedAt,
        finishedAt,
        agentId,
        device,
        totalEpochs,
        currentEpoch,
        stepsPerEpoch,
        lastStep,
        bestValAccuracy,
        failureReason,
        failureField,
        modelAvailable,
        onnxAvailable,
        onnxUnavailableReason,
        note,
        evaluation,
        parentId,
        suggestionId,
        autopilot,
        autopilotChild,
        autopilotNoteText == null ? autopilotNote : autopilotNoteText.in(locale),
        datasetVersion,
        testAccuracy,
        presetId,
        localized,
        teamId,
        tags,
        remarks,
        review,
        reviewRequest,
        archivedAt,
        imagesPerSecond,
        attempts,
        checkpointEpoch,
        requiredLabels,
        minDeviceMemoryGb,
        priority,
        validation,
        autopilotNoteText);
  }

  /**
   * One time an agent took the run (see RunAttempt); outcome is null while it runs, else succeeded,
   * failed, cancelled, requeued or retried_smaller.
   */
  public record Attempt(
      long runId,
      int number,
      @Schema(nullable = true) Long agentId,
      Instant startedAt,
      @Schema(nullable = true) Instant endedAt,
      @Schema(
              nullable = true,
              enumeration = {"succeeded", "failed", "cancelled", "requeued", "retried_smaller"})
          String outcome,
      @Schema(
              nullable = true,
              enumeration = {"infrastructure", "out_of_memory", "recipe"})
          String failureClass,
      @Schema(nullable = true) String reason,
      int resumedFromEpoch) {}

  /** A lead's decision on a run. */
  public record Review(
      @Schema(enumeration = {"approved", "rejected"}) String decision,
      String comment,
      String by,
      Instant at) {}

  /** Someone asked the team's leads to review the run (issue 35). */
  public record ReviewAsk(String by, Instant at, @Schema(nullable = true) String note) {}
}
