package io.kiln.backend.dataset;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A dataset as the REST API shows it. */
public record DatasetView(long id, String name, List<String> classNames, Map<String, Integer> classCounts,
    int imageCount, long sizeBytes, Instant createdAt, String createdBy) {}
