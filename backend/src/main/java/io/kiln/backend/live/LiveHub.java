package io.kiln.backend.live;

import io.kiln.backend.advice.AdviceEvents;
import io.kiln.backend.advice.AdviceView;
import io.kiln.backend.common.Json;
import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.metrics.MetricArrived;
import io.kiln.backend.metrics.MetricEvents;
import io.kiln.backend.metrics.MetricView;
import io.kiln.backend.run.RunEvents;
import io.kiln.backend.run.RunView;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Fans run changes and metric points out to every browser watching that run. Messages: {@code
 * snapshot} (run, points and suggestions so far), {@code metric} (one point), {@code run}
 * (state/progress), {@code suggestions} (the run's suggestions whenever they change).
 *
 * <p>A point from the agent that holds its run goes out as it arrives ({@link MetricArrived}),
 * while it is stored: the database's commit is not on the path to the viewers, and the agent is
 * still acknowledged only after the commit, so nothing it sent is lost. Every other point, and any
 * that arrival did not publish (see {@link RunLine}), goes out after its commit. Run changes and
 * suggestions go out after their commit.
 */
@ApplicationScoped
public class LiveHub {
  private final Map<Long, Set<Viewer>> viewers = new ConcurrentHashMap<>();
  private final Map<Long, RunLine> lines = new ConcurrentHashMap<>();
  private final Json json;
  private final Timer fanout;
  private final boolean publishOnArrival;

  LiveHub(Json json, MeterRegistry registry, KilnConfig config) {
    this.json = json;
    this.publishOnArrival = config.live().publishOnArrival();
    this.fanout =
        Timer.builder("kiln.live.fanout")
            .description(
                "From a committed change to its text handed to the last socket of an event loop")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  /**
   * Registers a viewer. Returns the points published before it, which it will not be sent: its
   * snapshot, read from the database afterwards, lacks those not committed yet. Under the run
   * line's lock, so every point is either in this list or sent to the viewer.
   */
  List<RunLine.Sent> add(long runId, Viewer viewer) {
    RunLine line = lines.computeIfAbsent(runId, k -> new RunLine());
    synchronized (line) {
      viewers.computeIfAbsent(runId, k -> ConcurrentHashMap.newKeySet()).add(viewer);
      return line.recent();
    }
  }

  void remove(long runId, Viewer viewer) {
    viewers.computeIfPresent(
        runId,
        (k, set) -> {
          set.remove(viewer);
          return set.isEmpty() ? null : set;
        });
  }

  /** Every viewer connected here, by run: a copy. */
  Map<Long, List<Viewer>> viewers() {
    Map<Long, List<Viewer>> copy = new HashMap<>();
    viewers.forEach((runId, set) -> copy.put(runId, List.copyOf(set)));
    return copy;
  }

  public int viewerCount(long runId) {
    Set<Viewer> set = viewers.get(runId);
    return set == null ? 0 : set.size();
  }

  void onArrived(@Observes MetricArrived event) {
    RunLine line = lines.get(event.runId());
    if (publishOnArrival && line != null && line.takesArrival(event.point().seq())) {
      publishPoint(event.runId(), event.point(), false);
    }
  }

  void onStored(@Observes(during = TransactionPhase.AFTER_SUCCESS) MetricEvents.Stored stored) {
    stored.points().forEach(event -> publishPoint(event.runId(), event.point(), true));
  }

  void onAdvice(@Observes(during = TransactionPhase.AFTER_SUCCESS) AdviceEvents event) {
    publish(event.runId(), -1, new LiveMessage.Suggestions(event.suggestions()));
  }

  void onRun(@Observes(during = TransactionPhase.AFTER_SUCCESS) RunEvents.Changed event) {
    showRun(event.run());
  }

  /** A run's new state or progress, committed here or by another replica. */
  void showRun(RunView run) {
    String state = run.state();
    lines
        .computeIfAbsent(run.id(), k -> new RunLine())
        .state("assigned".equals(state) || "running".equals(state));
    publish(run.id(), -1, new LiveMessage.Run(run));
  }

  /** A run's suggestions as another replica committed them. */
  void showSuggestions(long runId, List<AdviceView> suggestions) {
    publish(runId, -1, new LiveMessage.Suggestions(suggestions));
  }

  /** A point another replica committed. */
  void publishCommitted(long runId, MetricView point) {
    publishPoint(runId, point, true);
  }

  /**
   * Closes every viewer's socket as a restarting server would (1012): each browser reconnects with
   * the last point it has and catches up from the database.
   */
  void reconnectAll() {
    viewers.forEach((runId, set) -> set.forEach(Viewer::reconnect));
  }

  /**
   * Publishes a point once: the first of its arrival and its commit to get here.
   *
   * @param committed whether it comes from its commit (else from its arrival)
   */
  private void publishPoint(long runId, MetricView point, boolean committed) {
    RunLine line = lines.computeIfAbsent(runId, k -> new RunLine());
    String text = encode(new LiveMessage.Metric(point));
    // Under the line's lock, so two paths cannot hand points to the event loops out of order.
    synchronized (line) {
      if (committed) {
        line.committed(point.seq());
      }
      if (line.claim(point.seq(), text)) {
        dispatch(runId, point.seq(), null, text);
      }
    }
  }

  String encode(LiveMessage message) {
    return json.write(message);
  }

  private void publish(long runId, long seq, LiveMessage message) {
    dispatch(runId, seq, message, null);
  }

  /**
   * @param text the message already encoded, or null to encode {@code message} for the viewers
   */
  private void dispatch(long runId, long seq, LiveMessage message, String text) {
    Set<Viewer> set = viewers.get(runId);
    if (set == null || set.isEmpty()) {
      return;
    }
    long start = System.nanoTime();
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
    Function<Viewer, String> textFor = text != null ? v -> text : texts(message, byLoop.values());
    byLoop.forEach(
        (loop, viewers) -> {
          Runnable writes =
              () -> {
                viewers.forEach(v -> v.push(seq, textFor.apply(v)));
                fanout.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
              };
          if (loop == null) {
            writes.run();
          } else {
            loop.runOnContext(ignored -> writes.run());
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
