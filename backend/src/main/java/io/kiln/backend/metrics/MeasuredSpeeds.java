package io.kiln.backend.metrics;

import io.kiln.backend.preset.ThroughputHistory;
import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunMapper;
import io.kiln.core.metric.Metric;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.run.RunState;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.Optional;

/** Training speeds measured by successful runs: their last epoch's images per second. */
@ApplicationScoped
class MeasuredSpeeds implements ThroughputHistory {
  /** How many recent successful runs to look through for one of the same network and size. */
  private static final int SEARCHED = 50;

  private final RunMapper runs;
  private final MetricService metrics;

  MeasuredSpeeds(RunMapper runs, MetricService metrics) {
    this.runs = runs;
    this.metrics = metrics;
  }

  @Override
  @Transactional
  public Optional<Measured> latest(String architecture, int inputSize, Long agentId) {
    List<Run> finished =
        (agentId == null
                ? Run.<Run>find("state = ?1", Sort.descending("id"), RunState.SUCCEEDED)
                : Run.<Run>find(
                    "state = ?1 and agentId = ?2",
                    Sort.descending("id"),
                    RunState.SUCCEEDED,
                    agentId))
            .page(0, SEARCHED)
            .list();
    for (Run run : finished) {
      Recipe past = runs.recipe(run);
      // A run that trained only the head on stored features measured a matrix product, not the
      // network.
      boolean headOnStoredFeatures = past.storedFeatures() && past.fullEpochs() == 0;
      if (past.architecture().equals(architecture)
          && past.inputSize() == inputSize
          && !headOnStoredFeatures) {
        Optional<Double> rate =
            metrics.lastEpochValue(run.id, Metric.IMAGES_PER_SECOND).filter(r -> r > 0);
        if (rate.isPresent()) {
          return Optional.of(new Measured(run.id, rate.get()));
        }
      }
    }
    return Optional.empty();
  }
}
