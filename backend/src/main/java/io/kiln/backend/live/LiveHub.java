package io.kiln.backend.live;

import io.kiln.backend.advice.AdviceEvents;
import io.kiln.backend.common.Json;
import io.kiln.backend.metrics.MetricEvents;
import io.kiln.backend.run.RunEvents;
import io.vertx.core.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Fans committed run changes and metric points out to every browser watching that run. Messages:
 * {@code snapshot} (run, points and suggestions so far), {@code metric} (one point), {@code run}
 * (state/progress), {@code suggestions} (the run's suggestions whenever they change).
 */
@ApplicationScoped
public class LiveHub {
  private final Map<Long, Set<Viewer>> viewers = new ConcurrentHashMap<>();
  private final Json json;

  LiveHub(Json json) {
    this.json = json;
  }

  void add(long runId, Viewer viewer) {
    viewers.computeIfAbsent(runId, k -> ConcurrentHashMap.newKeySet()).add(viewer);
  }

  void remove(long runId, Viewer viewer) {
    viewers.computeIfPresent(
        runId,
        (k, set) -> {
          set.remove(viewer);
          return set.isEmpty() ? null : set;
        });
  }

  public int viewerCount(long runId) {
    Set<Viewer> set = viewers.get(runId);
    return set == null ? 0 : set.size();
  }

  void onMetric(@Observes(during = TransactionPhase.AFTER_SUCCESS) MetricEvents event) {
    publish(event.runId(), event.point().seq(), new LiveMessage.Metric(event.point()));
  }

  void onAdvice(@Observes(during = TransactionPhase.AFTER_SUCCESS) AdviceEvents event) {
    publish(event.runId(), -1, new LiveMessage.Suggestions(event.suggestions()));
  }

  void onRun(@Observes(during = TransactionPhase.AFTER_SUCCESS) RunEvents.Changed event) {
    publish(event.run().id(), -1, new LiveMessage.Run(event.run()));
  }

  String encode(LiveMessage message) {
    return json.write(message);
  }

  private void publish(long runId, long seq, LiveMessage message) {
    Set<Viewer> set = viewers.get(runId);
    if (set == null || set.isEmpty()) {
      return;
    }
    // One task per event loop writes to all of its sockets: a thousand viewers cost a handful of
    // thread hand-offs instead of a thousand (measured by bench/live-latency).
    Map<Context, List<Viewer>> byLoop = new HashMap<>();
    for (Viewer viewer : set) {
      if (viewer.closed()) {
        remove(runId, viewer);
      } else {
        byLoop.computeIfAbsent(viewer.context(), k -> new ArrayList<>()).add(viewer);
      }
    }
    Function<Viewer, String> textFor = texts(message, byLoop.values());
    byLoop.forEach(
        (loop, viewers) -> {
          if (loop == null) {
            viewers.forEach(v -> v.push(seq, textFor.apply(v)));
          } else {
            loop.runOnContext(ignored -> viewers.forEach(v -> v.push(seq, textFor.apply(v))));
          }
        });
  }

  /**
   * The message as each viewer reads it: metric points, the bulk of the traffic, encoded once for
   * all; runs and suggestions once per language among the viewers. The texts are all made here,
   * before any event loop reads them.
   */
  private Function<Viewer, String> texts(
      LiveMessage message, java.util.Collection<List<Viewer>> viewers) {
    if (!message.worded()) {
      String text = encode(message);
      return v -> text;
    }
    Map<Locale, String> byLanguage = new HashMap<>();
    viewers.forEach(
        group ->
            group.forEach(v -> byLanguage.computeIfAbsent(v.locale(), l -> encode(message.in(l)))));
    return v -> byLanguage.get(v.locale());
  }
}
