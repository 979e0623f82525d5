package io.kiln.agent.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Cross-entropy against soft targets (n x classes probabilities): one loss for hard labels, label
 * smoothing (T10), mixup and CutMix (T12). DJL has no label-smoothing loss.
 */
public final class SoftTargetLoss extends Loss {
  public SoftTargetLoss() {
    super("SoftTargetCrossEntropy");
  }

  @Override
  public NDArray evaluate(NDList targets, NDList predictions) {
    NDArray logProbabilities = predictions.singletonOrThrow().logSoftmax(1);
    return logProbabilities.mul(targets.singletonOrThrow()).sum(new int[] {1}).neg().mean();
  }
}
