package io.kiln.backend.dataset;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.kiln.backend.common.Localizable;
import io.kiln.backend.dataset.archive.Finding;
import io.kiln.backend.dataset.archive.ImportResult;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A dataset version as the REST API shows it.
 *
 * @param classCounts images per class over all splits
 * @param splitCounts split (train, val, test) to class to images
 * @param split how the splits were made: mode (auto or archive), valPercent, testPercent, seed
 * @param versions every version of this dataset's lineage, oldest first
 */
public record DatasetView(
    long id,
    String name,
    long lineageId,
    int version,
    List<String> classNames,
    Map<String, Integer> classCounts,
    int imageCount,
    long sizeBytes,
    Instant createdAt,
    String createdBy,
    Map<String, Map<String, Integer>> splitCounts,
    List<Finding> findings,
    @Schema(nullable = true) ImportResult.Statistics statistics,
    Map<String, List<String>> gallery,
    SplitInfo split,
    List<VersionRef> versions)
    implements Localizable<DatasetView> {
  /** The findings in the reader's language. */
  @Override
  public DatasetView in(Locale locale) {
    return new DatasetView(
        id,
        name,
        lineageId,
        version,
        classNames,
        classCounts,
        imageCount,
        sizeBytes,
        createdAt,
        createdBy,
        splitCounts,
        findings == null ? null : findings.stream().map(f -> f.in(locale)).toList(),
        statistics,
        gallery,
        split,
        versions);
  }

  /** How the splits were made (all absent for a dataset imported before splits existed). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SplitInfo(
      @Schema(nullable = true) String mode,
      @Schema(nullable = true) Integer valPercent,
      @Schema(nullable = true) Integer testPercent,
      @Schema(nullable = true) Long seed) {}

  /** Another version of the same dataset. */
  public record VersionRef(long id, int version, Instant createdAt, int imageCount) {}
}
