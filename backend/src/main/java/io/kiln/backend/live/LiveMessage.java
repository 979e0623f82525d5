package io.kiln.backend.live;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import io.kiln.backend.advice.AdviceView;
import io.kiln.backend.metrics.MetricView;
import io.kiln.backend.run.RunView;
import java.util.List;
import java.util.Locale;

/**
 * Every message the run WebSocket ({@code /ws/runs/{id}}) sends a browser: one record per message,
 * its name in the {@code type} property. The OpenAPI document describes them (openapi/LiveSchemas),
 * so the browser's types for them are generated like the REST API's.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
public sealed interface LiveMessage {

  /** The message in a viewer's language (runs and suggestions carry sentences); others as is. */
  default LiveMessage in(Locale locale) {
    return this;
  }

  /** Whether the message reads differently per language (else it is encoded once for all). */
  default boolean worded() {
    return false;
  }

  /** First message: the run, its points after the requested seq, and its suggestions. */
  @JsonTypeName("snapshot")
  record Snapshot(RunView run, List<MetricView> metrics, List<AdviceView> suggestions)
      implements LiveMessage {
    @Override
    public LiveMessage in(Locale locale) {
      return new Snapshot(run.in(locale), metrics, AdviceView.in(suggestions, locale));
    }

    @Override
    public boolean worded() {
      return true;
    }
  }

  /** One new metric point. */
  @JsonTypeName("metric")
  record Metric(MetricView point) implements LiveMessage {}

  /** The run's state or progress changed. */
  @JsonTypeName("run")
  record Run(RunView run) implements LiveMessage {
    @Override
    public LiveMessage in(Locale locale) {
      return new Run(run.in(locale));
    }

    @Override
    public boolean worded() {
      return true;
    }
  }

  /** The run's suggestions changed (all of them, in order). */
  @JsonTypeName("suggestions")
  record Suggestions(List<AdviceView> suggestions) implements LiveMessage {
    @Override
    public LiveMessage in(Locale locale) {
      return new Suggestions(AdviceView.in(suggestions, locale));
    }

    @Override
    public boolean worded() {
      return true;
    }
  }

  /** The run cannot be watched (e.g. it does not exist); the socket closes next. */
  @JsonTypeName("error")
  record Error(String error) implements LiveMessage {}
}
