package io.kiln.backend.advice;

import java.util.List;

/** A run's suggestions changed (fired in the transaction, pushed to viewers after commit). */
public record AdviceEvents(long runId, List<AdviceView> suggestions) {}
