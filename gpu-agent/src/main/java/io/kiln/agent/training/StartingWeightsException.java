package io.kiln.agent.training;

/**
 * The starting weights cannot start this recipe (another network, other channels, a file that is
 * not weights): a settings problem, not the machine's, so the run fails at once and the run page
 * names the field to change.
 */
public final class StartingWeightsException extends IllegalArgumentException {
  private final String field;

  public StartingWeightsException(String field, String message) {
    super(message);
    this.field = field;
  }

  /** The recipe field to change: pretrainedWeights, initialRunId, inputSize, ... */
  public String field() {
    return field;
  }
}
