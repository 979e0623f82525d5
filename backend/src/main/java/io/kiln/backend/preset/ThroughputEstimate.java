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
  /**
   * Without a measured speed the figure from the network's cost is a range: the slow end is this
   * many times the cost-based time plus {@link #START_UP_SECONDS}. The first run of a fresh Kiln
   * (Fashion-MNIST sample, 2-core CPU) was estimated at 4 s from the cost alone and took 45 s.
   */
  static final int ROUGH_SPREAD = 4;

  /** Fetching the dataset, decoding it and building the network, before the first step. */
  static final int START_UP_SECONDS = 30;

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
    Long highSeconds =
        measured.isPresent() ? null : Math.round(totalSeconds * ROUGH_SPREAD + START_UP_SECONDS);
    return new Estimate(
        Math.round(rate),
        Math.max(0.01, Math.round(totalSeconds / Math.max(1, recipe.epochs()) * 100) / 100.0),
        Math.round(totalSeconds),
        highSeconds,
        basis.english(),
        basis);
  }
}
