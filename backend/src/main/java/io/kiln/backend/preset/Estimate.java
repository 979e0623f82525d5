package io.kiln.backend.preset;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kiln.core.i18n.Text;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * How long training will take.
 *
 * @param totalSeconds the whole run; where no run measured the speed, the quick end of a range
 * @param highSeconds where no run measured the speed, the slow end of the range (else null)
 * @param basis in plain words: which run measured the speed, or that it is a rough figure
 */
public record Estimate(
    long imagesPerSecond,
    double secondsPerEpoch,
    long totalSeconds,
    @Schema(nullable = true) Long highSeconds,
    String basis,
    @JsonIgnore @Schema(hidden = true) Text basisText) {

  /** The estimate with its basis in the reader's language. */
  public Estimate in(Locale locale) {
    return new Estimate(
        imagesPerSecond,
        secondsPerEpoch,
        totalSeconds,
        highSeconds,
        basisText.in(locale),
        basisText);
  }
}
