package io.kiln.core.advisor;

import java.util.List;

/**
 * What the advisor reads: a run's epoch curves, its step losses and whether it has ended.
 *
 * @param stepLosses training loss of each reported step, in order (NaN and infinity included)
 * @param finished true once the run reached its last epoch (some rules judge only the end)
 */
public record RunHistory(List<EpochPoint> epochs, List<Double> stepLosses, boolean finished) {
  public RunHistory {
    epochs = List.copyOf(epochs);
    stepLosses = List.copyOf(stepLosses);
  }

  public int epochCount() {
    return epochs.size();
  }

  /** The n-th epoch from the end: 0 is the last. */
  public EpochPoint fromEnd(int n) {
    return epochs.get(epochs.size() - 1 - n);
  }

  /** The first step whose loss is NaN or infinite (1-based), or 0 when none is. */
  public int firstNonFiniteStep() {
    for (int i = 0; i < stepLosses.size(); i++) {
      if (!Double.isFinite(stepLosses.get(i))) {
        return i + 1;
      }
    }
    return 0;
  }
}
