package io.kiln.backend.live;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kiln.backend.advice.AdviceView;
import io.kiln.backend.metrics.MetricView;
import io.kiln.backend.run.RunView;
import java.util.List;

/**
 * Every message the run WebSocket ({@code /ws/runs/{id}}) sends a browser: one record per message,
 * each with its {@code type}. The browser's union type in {@code frontend/src/live.ts} is checked
 * against these records by a test.
 */
public sealed interface LiveMessage {
  /** The name of the message in the JSON envelope. */
  @JsonProperty("type")
  String type();

  /** First message: the run, its points after the requested seq, and its suggestions. */
  record Snapshot(RunView run, List<MetricView> metrics, List<AdviceView> suggestions)
      implements LiveMessage {
    @Override
    public String type() {
      return "snapshot";
    }
  }

  /** One new metric point. */
  record Metric(MetricView point) implements LiveMessage {
    @Override
    public String type() {
      return "metric";
    }
  }

  /** The run's state or progress changed. */
  record Run(RunView run) implements LiveMessage {
    @Override
    public String type() {
      return "run";
    }
  }

  /** The run's suggestions changed (all of them, in order). */
  record Suggestions(List<AdviceView> suggestions) implements LiveMessage {
    @Override
    public String type() {
      return "suggestions";
    }
  }

  /** The run cannot be watched (e.g. it does not exist); the socket closes next. */
  record Error(String error) implements LiveMessage {
    @Override
    public String type() {
      return "error";
    }
  }
}
