package io.kiln.backend.preset;

import io.kiln.core.i18n.Text;
import io.kiln.core.preset.ImageSize;
import io.kiln.core.preset.NetworkCost;
import io.kiln.core.recipe.Recipe;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * How long training will take: measured by earlier runs of the same network and image size (on the
 * chosen agent when one is named), else a rough figure from the network's cost per image ({@link
 * NetworkCost}) on the fleet's machines (a 2-core CPU, or a GPU where every agent has one). A
 * head-only stage on stored features costs one forward pass over the images (T14), not epochs.
 */
@ApplicationScoped
public class ThroughputEstimate {
  private final ThroughputHistory history;
  private final Machines machines;

  ThroughputEstimate(ThroughputHistory history, Machines machines) {
    this.history = history;
    this.machines = machines;
  }

  public Estimate estimate(Recipe recipe, int trainImages, int evalImages, Long agentId) {
    Optional<ThroughputHistory.Measured> measured =
        history.latest(recipe.architecture(), recipe.inputSize(), agentId);
    double speed =
        machines.gpu(agentId) ? ImageSize.GPU_MACS_PER_SECOND : ImageSize.CPU_MACS_PER_SECOND;
    double rate =
        measured
            .map(ThroughputHistory.Measured::imagesPerSecond)
            .orElseGet(
                () -> speed / NetworkCost.training(recipe.architecture(), recipe.inputSize()));
    double epochSeconds = trainImages / rate + evalImages / (3 * rate);
    boolean stored = recipe.storedFeatures() && recipe.headOnlyEpochs() > 0;
    // Stored features: one forward pass over every image, then the head's epochs cost next to
    // nothing; a forward pass is cheaper than a training step by more than the usual three times.
    double forwardRate =
        measured.isPresent()
            ? 3 * rate
            : speed / NetworkCost.forward(recipe.architecture(), recipe.inputSize());
    double totalSeconds =
        stored
            ? (trainImages + evalImages) / forwardRate + recipe.fullEpochs() * epochSeconds
            : epochSeconds * recipe.epochs();
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
        Math.max(0.01, Math.round(totalSeconds / Math.max(1, recipe.epochs()) * 100) / 100.0),
        Math.round(totalSeconds),
        basis.english(),
        basis);
  }
}
