package io.kiln.backend.run;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kiln.backend.common.Localizable;
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
    String state,
    Map<String, Object> recipe,
    Instant createdAt,
    String createdBy,
    Instant startedAt,
    Instant finishedAt,
    Long agentId,
    String device,
    int totalEpochs,
    int currentEpoch,
    long stepsPerEpoch,
    long lastStep,
    Double bestValAccuracy,
    String failureReason,
    String failureField,
    boolean modelAvailable,
    boolean onnxAvailable,
    String onnxUnavailableReason,
    String note,
    RunEvaluation evaluation,
    Long parentId,
    Long suggestionId,
    int autopilot,
    boolean autopilotChild,
    String autopilotNote,
    int datasetVersion,
    Double testAccuracy,
    String presetId,
    RunAdjustments adjustments,
    long teamId,
    List<String> tags,
    String remarks,
    Review review,
    Instant archivedAt,
    Double imagesPerSecond,
    int attempts,
    int checkpointEpoch,
    List<String> requiredLabels,
    Double minDeviceMemoryGb,
    int priority,
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
        archivedAt,
        imagesPerSecond,
        attempts,
        checkpointEpoch,
        requiredLabels,
        minDeviceMemoryGb,
        priority,
        autopilotNoteText);
  }

  /**
   * One time an agent took the run (see RunAttempt); outcome is null while it runs, else succeeded,
   * failed, cancelled, requeued or retried_smaller.
   */
  public record Attempt(
      long runId,
      int number,
      Long agentId,
      Instant startedAt,
      Instant endedAt,
      String outcome,
      String failureClass,
      String reason,
      int resumedFromEpoch) {}

  /** A lead's decision on a run. */
  public record Review(String decision, String comment, String by, Instant at) {}
}
