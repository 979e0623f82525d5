package io.kiln.backend.preset;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.kiln.core.i18n.Text;
import java.util.Locale;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * How long training will take.
 *
 * @param basis in plain words: which run measured the speed, or that it is a rough figure
 */
public record Estimate(
    long imagesPerSecond,
    double secondsPerEpoch,
    long totalSeconds,
    String basis,
    @JsonIgnore @Schema(hidden = true) Text basisText) {

  /** The estimate with its basis in the reader's language. */
  public Estimate in(Locale locale) {
    return new Estimate(
        imagesPerSecond, secondsPerEpoch, totalSeconds, basisText.in(locale), basisText);
  }
}
