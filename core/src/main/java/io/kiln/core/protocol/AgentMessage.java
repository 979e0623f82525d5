package io.kiln.core.protocol;

import java.util.List;
import java.util.Map;

/**
 * Every message an agent sends to the backend: one record per message, sealed so both sides see all
 * cases.
 */
public sealed interface AgentMessage {

  /**
   * First message on every connection: who the agent is, what it can train on, and the versions of
   * what it runs ({@code djl}, {@code pytorch}, {@code java}; null from older agents).
   */
  record Hello(
      int protocolVersion,
      String agentVersion,
      String hostname,
      List<DeviceInfo> devices,
      Map<String, String> versions)
      implements AgentMessage {
    public Hello(
        int protocolVersion, String agentVersion, String hostname, List<DeviceInfo> devices) {
      this(protocolVersion, agentVersion, hostname, devices, null);
    }
  }

  /**
   * Sent every few seconds; renews the lease on {@code runId} when the agent holds one (null when
   * idle).
   */
  record Heartbeat(Long runId) implements AgentMessage {}

  /** The agent is idle and asks for a queued run; answered by a RunAssignment or NoWork. */
  record ClaimRun() implements AgentMessage {}

  /**
   * Messages about one run. Each carries a per-run sequence number; the backend acknowledges it and
   * ignores a number it has already stored, so the agent can resend freely after a reconnect.
   */
  sealed interface RunEvent extends AgentMessage {
    long runId();

    long seq();
  }

  /** Training began on {@code device} (e.g. "cpu()" or "gpu(0)"). */
  record RunStarted(long runId, long seq, String device, int totalEpochs, long stepsPerEpoch)
      implements RunEvent {}

  /** One point of a curve; see {@link MetricKind} for the kinds and their value names. */
  record MetricReport(
      long runId,
      long seq,
      String kind,
      int epoch,
      long step,
      Map<String, Double> values,
      long timestampMillis)
      implements RunEvent {}

  /**
   * The final model's evaluation on the validation split: confusion matrix, per-class precision and
   * recall, the most confidently misclassified images. Sent once, before RunFinished.
   */
  record RunEvaluated(long runId, long seq, Map<String, Object> evaluation) implements RunEvent {}

  /**
   * The run ended on this agent; outcome is SUCCEEDED, FAILED or CANCELLED, reason explains a
   * failure. A failure names its class ({@link io.kiln.core.run.FailureClass#wireName()}:
   * infrastructure, out_of_memory, recipe), which decides whether the run is retried; null counts
   * as infrastructure. A recipe failure may name the recipe {@code field} to change (e.g. {@code
   * initialRunId} for starting weights that do not fit), else it is null.
   */
  record RunFinished(
      long runId, long seq, String outcome, String reason, String failure, String field)
      implements RunEvent {
    public RunFinished(long runId, long seq, String outcome, String reason) {
      this(runId, seq, outcome, reason, null, null);
    }

    public RunFinished(long runId, long seq, String outcome, String reason, String failure) {
      this(runId, seq, outcome, reason, failure, null);
    }
  }

  /** A device the agent can train on, with its memory in bytes when known. */
  record DeviceInfo(String id, String kind, String name, Long memoryBytes) {
    public DeviceInfo(String id, String kind, String name) {
      this(id, kind, name, null);
    }
  }
}
