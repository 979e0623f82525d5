package io.kiln.agent.training;

/**
 * Thrown from inside the batch loop when the run was cancelled; the loop checks before every batch.
 */
public class TrainingCancelledException extends RuntimeException {
  public TrainingCancelledException() {
    super("cancelled by user");
  }
}
