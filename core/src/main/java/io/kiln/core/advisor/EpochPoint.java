package io.kiln.core.advisor;

/** One epoch of a run's curves, as the agent reported it. */
public record EpochPoint(int epoch, double trainLoss, double trainAccuracy, double valLoss, double valAccuracy,
    double lr) {

  /** How much training accuracy exceeds validation accuracy (the overfitting gap, A1). */
  public double gap() {
    return trainAccuracy - valAccuracy;
  }
}
