package io.kiln.backend.advice;

import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An autopilot series as one story: where it started, each follow-up run with what it changed and
 * what that gained, and the best run so far. The page writes it in the reader's language.
 *
 * @param startRunId the run a person launched with the autopilot on
 * @param startBestValAccuracy its best validation accuracy, or null while it has none
 * @param bestRunId the run of the series with the best validation accuracy so far
 * @param followUpsAllowed the follow-up runs the person allowed
 * @param steps the follow-up runs in the order started
 */
public record AutopilotStory(
    long startRunId,
    @Schema(nullable = true) Double startBestValAccuracy,
    long bestRunId,
    int followUpsAllowed,
    List<AutopilotStep> steps) {

  /**
   * One follow-up run.
   *
   * @param parentId the run it changed
   * @param ruleId the rule whose suggestion it applies (A1-A9)
   * @param changes the recipe fields it changed, from its parent's value to its own
   * @param state lower case, as runs show it
   * @param gain its best validation accuracy minus its parent's, once both are known
   * @param kept true when it beat its parent, so the series built on it
   */
  public record AutopilotStep(
      long runId,
      long parentId,
      @Schema(nullable = true) String ruleId,
      List<FieldChange> changes,
      String state,
      @Schema(nullable = true) Double bestValAccuracy,
      @Schema(nullable = true) Double gain,
      boolean kept) {}

  /** One changed recipe field. */
  public record FieldChange(String field, Object from, Object to) {}
}
