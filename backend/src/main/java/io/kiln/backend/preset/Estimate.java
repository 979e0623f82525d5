package io.kiln.backend.preset;

/**
 * How long training will take.
 *
 * @param basis in plain words: which run measured the speed, or that it is a rough figure
 */
public record Estimate(
    long imagesPerSecond, double secondsPerEpoch, long totalSeconds, String basis) {}
