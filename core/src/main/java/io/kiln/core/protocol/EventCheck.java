package io.kiln.core.protocol;

import io.kiln.core.metric.Metric;
import io.kiln.core.run.FailureClass;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a run event from an agent must be before the backend stores any of it: known kinds,
 * non-negative counters and timestamps, finite numbers, value names that fit the metric contract,
 * bounded sizes. The backend answers an event that fails with {@link BackendMessage.EventRejected}
 * naming the field, stores nothing, and the agent drops it (a resend would fail the same way).
 * Value names Kiln does not define are kept as the agent's own (they are exported, never
 * interpreted); a name Kiln defines must be on the kind of point that carries it.
 */
public final class EventCheck {
  public static final int MAX_VALUES = 64;
  public static final int MAX_TEXT = 2000;
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");
  private static final Set<String> OUTCOMES = Set.of("SUCCEEDED", "FAILED", "CANCELLED");

  private EventCheck() {}

  /** The field at fault and what is wrong with it. */
  public record Problem(String field, String message) {}

  public static Optional<Problem> check(AgentMessage.RunEvent event) {
    if (event.runId() <= 0) {
      return problem("runId", "must be a run's id (a positive number)");
    }
    if (event.seq() < 0) {
      return problem("seq", "must not be negative");
    }
    if (event instanceof AgentMessage.RunStarted s) {
      return started(s);
    }
    if (event instanceof AgentMessage.MetricReport m) {
      return metric(m);
    }
    if (event instanceof AgentMessage.RunEvaluated e) {
      return e.evaluation() == null ? problem("evaluation", "is required") : Optional.empty();
    }
    return finished((AgentMessage.RunFinished) event);
  }

  private static Optional<Problem> started(AgentMessage.RunStarted s) {
    if (s.totalEpochs() < 1) {
      return problem("totalEpochs", "must be at least 1");
    }
    if (s.stepsPerEpoch() < 0) {
      return problem("stepsPerEpoch", "must not be negative");
    }
    if (s.device() != null && s.device().length() > 100) {
      return problem("device", "is longer than 100 characters");
    }
    return Optional.empty();
  }

  private static Optional<Problem> metric(AgentMessage.MetricReport m) {
    if (m.kind() == null) {
      return problem("kind", "is required: step or epoch");
    }
    if (!MetricKind.STEP.equals(m.kind()) && !MetricKind.EPOCH.equals(m.kind())) {
      return problem("kind", "must be step or epoch, not '" + clip(m.kind()) + "'");
    }
    if (m.epoch() < 0) {
      return problem("epoch", "must not be negative");
    }
    if (m.step() < 0) {
      return problem("step", "must not be negative");
    }
    if (m.timestampMillis() < 0) {
      return problem("timestampMillis", "must not be negative");
    }
    Map<String, Double> values = m.values();
    if (values == null) {
      return problem("values", "is required (an object of value names to numbers)");
    }
    if (values.size() > MAX_VALUES) {
      return problem("values", "has " + values.size() + " entries; at most " + MAX_VALUES);
    }
    for (Map.Entry<String, Double> v : values.entrySet()) {
      String name = v.getKey();
      if (name == null || !NAME.matcher(name).matches()) {
        return problem(
            "values",
            "name '"
                + clip(name)
                + "' is not a value name (a letter, then up to 63 letters, digits or _ . -)");
      }
      Optional<Metric> metric = Metric.byKey(name);
      if (v.getValue() == null) {
        return problem("values." + name, "must be a number, was null");
      }
      boolean lossMayDiverge = metric.map(x -> x.unit() == Metric.Unit.LOSS).orElse(false);
      if (!Double.isFinite(v.getValue()) && !lossMayDiverge) {
        return problem("values." + name, "must be a finite number, was " + v.getValue());
      }
      if (metric.isPresent() && !metric.get().scope().in(m.kind())) {
        return problem("values." + name, "is not carried by a " + m.kind() + " point");
      }
    }
    return Optional.empty();
  }

  private static Optional<Problem> finished(AgentMessage.RunFinished f) {
    if (f.outcome() == null || !OUTCOMES.contains(f.outcome())) {
      return problem("outcome", "must be SUCCEEDED, FAILED or CANCELLED");
    }
    if (f.failure() != null && FailureClass.fromWire(f.failure()).isEmpty()) {
      return problem("failure", "must be infrastructure, out_of_memory or recipe");
    }
    if (f.reason() != null && f.reason().length() > MAX_TEXT) {
      return problem("reason", "is longer than " + MAX_TEXT + " characters");
    }
    return Optional.empty();
  }

  private static Optional<Problem> problem(String field, String message) {
    return Optional.of(new Problem(field, message));
  }

  private static String clip(String text) {
    if (text == null) {
      return "null";
    }
    String printable = text.replaceAll("\\p{Cntrl}", "?");
    return printable.length() > 40 ? printable.substring(0, 40) + "…" : printable;
  }
}
