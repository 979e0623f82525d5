package io.kiln.backend.advice;

import io.kiln.backend.metrics.MetricView;
import io.kiln.core.advisor.RunHistory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * The advisor's view of the runs it is watching, kept between evaluations so each one reads only
 * the points stored since the last. Bounded: the least recently evaluated runs are dropped (and
 * simply read again from the start if they report once more).
 */
final class HistoryCache {
  private static final int MAX_RUNS = 256;

  private static final class Entry {
    final RunHistory.Builder history = new RunHistory.Builder();
    long lastSeq = -1;
  }

  private final Map<Long, Entry> runs =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Entry> eldest) {
          return size() > MAX_RUNS;
        }
      };

  /**
   * Appends the points after the last one seen ({@code newPoints} is given that seq) and returns
   * the history.
   */
  synchronized RunHistory update(
      long runId, LongFunction<List<MetricView>> newPoints, boolean finished) {
    Entry entry = runs.computeIfAbsent(runId, id -> new Entry());
    for (MetricView point : newPoints.apply(entry.lastSeq)) {
      entry.history.add(point.kind(), point.epoch(), point.values());
      entry.lastSeq = point.seq();
    }
    return entry.history.build(finished);
  }

  synchronized void forget(long runId) {
    runs.remove(runId);
  }
}
