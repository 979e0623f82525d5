package io.kiln.core.compare;

import io.kiln.core.contract.MayBeNull;
import java.util.Map;

/**
 * What a comparison knows of one run.
 *
 * @param recipe the run's flat recipe (field name to value)
 * @param lastGap training minus validation accuracy of the last epoch (A1's overfitting gap), or
 *     null before the first epoch
 * @param recall per-class recall of the final model (class name to 0-1; null values: undefined)
 * @param suggestion the title of the suggestion this run applied to its parent, or null
 */
public record ComparedRun(
    long id,
    String name,
    String state,
    Long parentId,
    @MayBeNull String suggestion,
    Map<String, Object> recipe,
    Double bestValAccuracy,
    Double testAccuracy,
    Double durationSeconds,
    Double imagesPerSecond,
    Double lastGap,
    @MayBeNull Map<String, Double> recall) {}
