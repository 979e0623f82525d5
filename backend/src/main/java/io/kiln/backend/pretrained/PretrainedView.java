package io.kiln.backend.pretrained;

import java.time.Instant;

/**
 * Pretrained weights a run can start from (T13), as the API and the pages show them.
 *
 * @param key the name a recipe gives in {@code pretrainedWeights}
 * @param origin {@code catalogue} (ImageNet weights Kiln knows) or {@code imported} (an admin's)
 * @param status {@code stored} (on this server), {@code downloadable} (its source answered; fetched
 *     on first use) or {@code unavailable} (see {@code detail})
 * @param detail why it is unavailable and what to do, or where it comes from
 * @param url the catalogue entry's address at its source (null for imported weights)
 * @param imagenetTop1 the source's ImageNet top-1 accuracy in percent (catalogue only)
 * @param teamId the team that may use imported weights (null: every team)
 */
public record PretrainedView(
    String key,
    String name,
    String architecture,
    String origin,
    String status,
    String detail,
    String url,
    String sha256,
    long sizeBytes,
    Double imagenetTop1,
    Long teamId,
    String createdBy,
    Instant createdAt) {
  public static final String STORED = "stored";
  public static final String DOWNLOADABLE = "downloadable";
  public static final String UNAVAILABLE = "unavailable";

  /** Whether a run can start from them now. */
  public boolean usable() {
    return !UNAVAILABLE.equals(status);
  }
}
