package io.kiln.backend.preset;

import io.kiln.core.i18n.Text;
import io.kiln.core.recipe.Recipe;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;

/**
 * How long an epoch will take: measured by earlier runs of the same network and image size (on the
 * chosen agent when one is named), else a rough figure for a 2-core CPU.
 */
@ApplicationScoped
public class ThroughputEstimate {
  /** Images per second at 28 x 28 pixels on 2 CPU cores (measured with the agent, batch 64). */
  private static final Map<String, Double> CPU_28PX =
      Map.of(
          "small-cnn",
          1500.0,
          "mobilenet",
          700.0,
          "resnet-18",
          120.0,
          "resnet-34",
          60.0,
          "resnet-50",
          30.0,
          "backbone",
          300.0);

  private final ThroughputHistory history;

  ThroughputEstimate(ThroughputHistory history) {
    this.history = history;
  }

  public Estimate estimate(Recipe recipe, int trainImages, int evalImages, Long agentId) {
    Optional<ThroughputHistory.Measured> measured =
        history.latest(recipe.architecture(), recipe.inputSize(), agentId);
    double rate =
        measured
            .map(ThroughputHistory.Measured::imagesPerSecond)
            .orElseGet(
                () ->
                    CPU_28PX.getOrDefault(recipe.architecture(), 300.0)
                        * Math.pow(28.0 / recipe.inputSize(), 2));
    double epochSeconds = trainImages / rate + evalImages / (3 * rate);
    Text basis =
        measured
            .map(
                m ->
                    Text.of(
                        agentId == null ? "estimate.measured" : "estimate.measuredHere",
                        "run",
                        m.runId(),
                        "architecture",
                        recipe.architecture(),
                        "size",
                        recipe.inputSize()))
            .orElse(Text.of("estimate.rough"));
    return new Estimate(
        Math.round(rate),
        Math.max(0.01, Math.round(epochSeconds * 100) / 100.0),
        Math.round(epochSeconds * recipe.epochs()),
        basis.english(),
        basis);
  }
}
