package io.kiln.agent.training;

import java.nio.file.Path;

/**
 * What a finished training run leaves behind.
 *
 * @param stopReason why training ended before its last epoch (early stopping), or null
 * @param epochs epochs actually trained
 */
public record TrainingResult(
    Path modelArchive,
    double bestValAccuracy,
    double finalValAccuracy,
    double imagesPerSecond,
    String device,
    Evaluation evaluation,
    String stopReason,
    int epochs) {}
