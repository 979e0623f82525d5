package io.kiln.backend.run;

import java.time.Instant;
import java.util.List;
import java.util.Map;

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
    int priority) {

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
