package io.kiln.backend.advice;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A suggestion as the REST API and the live socket show it.
 *
 * @param active false once the rule no longer holds for the run
 * @param appliedRunId the child run created from it, if any
 */
public record AdviceView(
    long id,
    long runId,
    String ruleId,
    List<String> trickIds,
    String severity,
    String title,
    String explanation,
    Map<String, Object> evidence,
    Map<String, Object> patch,
    boolean active,
    Instant createdAt,
    Instant updatedAt,
    Long appliedRunId) {}
