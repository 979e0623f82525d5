package io.kiln.core.protocol;

import io.kiln.core.labels.CrossFit;
import java.util.List;
import java.util.Map;

/** Every message the backend sends to an agent. */
public sealed interface BackendMessage {

  /** Reply to Hello: the agent's identity and how often it must heartbeat to keep a lease. */
  record Welcome(String agentId, int protocolVersion, int heartbeatSeconds, int leaseSeconds)
      implements BackendMessage {}

  /** The connection is refused (e.g. unsupported protocol version); the backend closes it next. */
  record Rejected(String reason) implements BackendMessage {}

  /** A run was queued; an idle agent should send ClaimRun. */
  record WorkAvailable() implements BackendMessage {}

  /** Nothing is queued right now. */
  record NoWork() implements BackendMessage {}

  /**
   * The agent now holds a lease on this run. The recipe is the flat recipe map (see core's Recipe);
   * the dataset archive is fetched over HTTP from {@code datasetPath}, and {@code nextSeq} is the
   * first sequence number the agent should use. When the recipe starts from pretrained weights, a
   * finished run's weights or a backbone (T13), they are fetched from {@code initialWeightsPath},
   * else it is null; {@code initialWeightsSha256} names pretrained weights' content (the agent
   * keeps them by it and checks the download against it), null otherwise. A run that an earlier
   * attempt checkpointed is resumed from the checkpoint at {@code checkpointPath} (a zip of the
   * agent's checkpoint directory, null when training starts from scratch); {@code attempt} counts
   * from 1. The agent uploads its own checkpoint there after every epoch. A fold of a label check
   * carries {@code heldOutFold}: the run trains on the other folds of all the dataset's images,
   * validates on this one and reports each of its images' probabilities (null for any other run).
   */
  record RunAssignment(
      long runId,
      long datasetId,
      String datasetPath,
      String modelPath,
      Map<String, Object> recipe,
      List<String> classNames,
      int stepReportInterval,
      long nextSeq,
      String initialWeightsPath,
      String initialWeightsSha256,
      String checkpointPath,
      boolean resume,
      int attempt,
      CrossFit.Fold heldOutFold)
      implements BackendMessage {}

  /** Stop the run as soon as possible (within one batch) and report it CANCELLED. */
  record CancelRun(long runId) implements BackendMessage {}

  /**
   * The run event with this sequence number is invalid and was not stored (see {@link EventCheck});
   * the agent drops it rather than resend it, and logs why.
   */
  record EventRejected(long runId, long seq, String field, String reason)
      implements BackendMessage {}

  /** The backend stored (or had already stored) the run event with this sequence number. */
  record Ack(long runId, long seq) implements BackendMessage {}
}
