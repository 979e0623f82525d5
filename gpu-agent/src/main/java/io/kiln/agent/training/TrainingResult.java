package io.kiln.agent.training;

import java.nio.file.Path;

/** What a finished training run leaves behind. */
public record TrainingResult(Path modelArchive, double bestValAccuracy, double finalValAccuracy,
    double imagesPerSecond, String device) {}
