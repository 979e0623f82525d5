package io.kiln.backend.run;

import io.kiln.backend.auth.Caller;
import io.kiln.backend.dataset.DatasetService;
import io.kiln.backend.preset.StartingRuns;
import io.kiln.core.preset.StartingPoints;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.run.RunState;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;

/** Finished runs as starting points: their network, size, normalization and channels. */
@ApplicationScoped
class RunStarts implements StartingRuns {
  /** How many recent finished runs are offered. */
  static final int OFFERED = 50;

  private final RunMapper mapper;
  private final DatasetService datasets;

  RunStarts(RunMapper mapper, DatasetService datasets) {
    this.mapper = mapper;
    this.datasets = datasets;
  }

  @Override
  @Transactional
  public List<StartingPoints.Candidate> finished(Caller caller) {
    return Run.<Run>find(
            "state = ?1 and modelPath is not null", Sort.descending("id"), RunState.SUCCEEDED)
        .page(0, OFFERED * 4)
        .stream()
        .filter(r -> caller.sees(r.teamId))
        .limit(OFFERED)
        .map(this::candidate)
        .toList();
  }

  private StartingPoints.Candidate candidate(Run run) {
    Recipe recipe = mapper.recipe(run);
    return new StartingPoints.Candidate(
        StartingPoints.Kind.RUN,
        Long.toString(run.id),
        "#" + run.id + " " + run.name,
        recipe.architecture(),
        channels(run, recipe),
        recipe.inputSize(),
        recipe.normalization(),
        false,
        null);
  }

  /** What the model takes: as stored with it, else as its recipe and dataset made it. */
  int channels(Run run, Recipe recipe) {
    if (run.modelChannels != null) {
      return run.modelChannels;
    }
    return "pretrained".equals(recipe.initialWeights()) || datasets.images(run.dataset).colour()
        ? 3
        : 1;
  }
}
