package io.kiln.backend.advice;

/**
 * The autopilot's series ended at run {@code runId} (its budget spent, or nothing left to try), its
 * best run being {@code bestRunId}; fired inside the transaction that notes it.
 */
public record AutopilotFinished(long runId, long bestRunId) {}
