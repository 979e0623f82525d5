package io.kiln.agent.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the training loop writes its progress. The loop never does networking: the agent plugs in a
 * sink that numbers the points and sends them; tests plug in a list.
 */
public interface MetricSink {
  /** Data is loaded and the model built; training is about to begin on {@code device}. */
  default void started(String device, int totalEpochs, long stepsPerEpoch) {}

  /**
   * @param kind one of io.kiln.core.protocol.MetricKind
   */
  void report(String kind, int epoch, long step, Map<String, Double> values);

  /**
   * Epoch {@code epoch} is over: its summary point was reported and its checkpoint written to
   * {@code checkpointDir} (see {@link CheckpointArchive}); the agent uploads it from here.
   */
  default void checkpointed(int epoch, Path checkpointDir) throws IOException {}

  /** The final model's per-class evaluation (see {@link Evaluation#toMap()}). */
  default void evaluated(Map<String, Object> evaluation) {}
}
