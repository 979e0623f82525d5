package io.kiln.backend.pretrained;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kiln.backend.common.Localizable;
import io.kiln.core.i18n.Text;
import java.time.Instant;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

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
    @Schema(enumeration = {"catalogue", "imported"}) String origin,
    @Schema(enumeration = {"stored", "downloadable", "unavailable"}) String status,
    String detail,
    @Schema(nullable = true) String url,
    String sha256,
    long sizeBytes,
    @Schema(nullable = true) Double imagenetTop1,
    @Schema(nullable = true) Long teamId,
    @Schema(nullable = true) String createdBy,
    @Schema(nullable = true) Instant createdAt,
    @JsonIgnore @Schema(hidden = true) Text detailText)
    implements Localizable<PretrainedView> {
  public static final String STORED = "stored";
  public static final String DOWNLOADABLE = "downloadable";
  public static final String UNAVAILABLE = "unavailable";

  /** The view with its detail in the reader's language. */
  @Override
  public PretrainedView in(Locale locale) {
    return detailText == null
        ? this
        : new PretrainedView(
            key,
            name,
            architecture,
            origin,
            status,
            detailText.in(locale),
            url,
            sha256,
            sizeBytes,
            imagenetTop1,
            teamId,
            createdBy,
            createdAt,
            detailText);
  }

  /** Whether a run can start from them now. */
  public boolean usable() {
    return !UNAVAILABLE.equals(status);
  }
}
