package io.kiln.core.advisor;

import io.kiln.core.metric.Metric;
import io.kiln.core.protocol.MetricKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

  /**
   * Collects a run's metric points as they arrive, in sequence order, so a reader can append the
   * new points instead of re-reading the whole run after every epoch.
   */
  public static final class Builder {
    private final List<EpochPoint> epochs = new ArrayList<>();
    private final List<Double> stepLosses = new ArrayList<>();

    /** Adds one stored point; step points without a loss (none today) are skipped. */
    public Builder add(String kind, int epoch, Map<String, Double> values) {
      if (MetricKind.EPOCH.equals(kind)) {
        epochs.add(EpochPoint.of(epoch, values));
      } else if (MetricKind.STEP.equals(kind) && values.containsKey(Metric.LOSS.key())) {
        stepLosses.add(Metric.LOSS.in(values));
      }
      return this;
    }

    public RunHistory build(boolean finished) {
      return new RunHistory(epochs, stepLosses, finished);
    }
  }
}
