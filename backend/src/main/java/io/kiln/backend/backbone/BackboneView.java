package io.kiln.backend.backbone;

import java.time.Instant;

/** A backbone as the API shows it. */
public record BackboneView(
    long id, String name, long sizeBytes, Instant createdAt, String createdBy) {}
