package io.kiln.backend.labels;

import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A label check as the dataset page shows it.
 *
 * @param foldRuns the fold runs, in fold order (each a run like any other)
 * @param foldsDone fold runs that succeeded
 * @param findings what it found, once it succeeded (in a dataset's list, for the newest check only)
 */
public record LabelCheckView(
    long id,
    long datasetId,
    String datasetName,
    int datasetVersion,
    @Schema(enumeration = {"running", "succeeded", "failed", "cancelled"}) String state,
    int folds,
    int foldsDone,
    List<Long> foldRuns,
    @Schema(nullable = true) String reason,
    Instant createdAt,
    String createdBy,
    @Schema(nullable = true) Instant finishedAt,
    @Schema(nullable = true) Long appliedDatasetId,
    @Schema(nullable = true) LabelFindings findings) {}
