package io.kiln.backend.compare;

import io.kiln.backend.advice.AdviceService;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.metrics.MetricService;
import io.kiln.backend.metrics.MetricView;
import io.kiln.backend.run.RunEvaluation;
import io.kiln.backend.run.RunService;
import io.kiln.backend.run.RunView;
import io.kiln.core.advisor.EpochPoint;
import io.kiln.core.compare.ComparedRun;
import io.kiln.core.compare.Comparison;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Loads 2-8 runs the caller sees and compares them (the rules are core's {@link Comparison}). */
@ApplicationScoped
public class CompareService {
  private final RunService runs;
  private final MetricService metrics;
  private final AdviceService advice;

  CompareService(RunService runs, MetricService metrics, AdviceService advice) {
    this.runs = runs;
    this.metrics = metrics;
    this.advice = advice;
  }

  /** The comparison, with the runs themselves (for names, tags, reviews and lineage). */
  public record CompareView(List<RunView> runs, Comparison comparison) {}

  /** A comparison with each run's epoch curves, for the exported report. */
  public record Report(CompareView view, Map<Long, List<MetricView>> epochs) {}

  /** {@code ids}: "3,7,12" as the URL has it. */
  public static List<Long> parse(String ids) {
    if (ids == null || ids.isBlank()) {
      throw ApiException.field(400, "name 2 to 8 runs: ?runs=3,7,12", "runs", "is required");
    }
    Set<Long> out = new LinkedHashSet<>();
    for (String part : ids.split(",")) {
      try {
        out.add(Long.parseLong(part.trim()));
      } catch (NumberFormatException e) {
        throw ApiException.field(
            400,
            "runs must be run ids separated by commas, not '" + part.trim() + "'",
            "runs",
            "not a number");
      }
    }
    if (out.size() < Comparison.MIN_RUNS || out.size() > Comparison.MAX_RUNS) {
      throw ApiException.field(
          400,
          "compare "
              + Comparison.MIN_RUNS
              + " to "
              + Comparison.MAX_RUNS
              + " different runs, not "
              + out.size(),
          "runs",
          "2 to 8 runs");
    }
    return List.copyOf(out);
  }

  /** One run's curves for the charts, if the caller sees the run. */
  @Transactional
  public MetricService.Curves curves(long runId, int maxSteps, Caller caller) {
    runs.visible(runId, caller);
    return metrics.curves(runId, maxSteps);
  }

  @Transactional
  public Report report(List<Long> ids, Caller caller) {
    return report(ids, caller, java.util.Locale.ENGLISH);
  }

  /** The comparison with its sentences and field explanations in the reader's language. */
  @Transactional
  public Report report(List<Long> ids, Caller caller, java.util.Locale locale) {
    List<RunView> views = new ArrayList<>();
    List<ComparedRun> compared = new ArrayList<>();
    Map<Long, List<MetricView>> epochs = new LinkedHashMap<>();
    for (long id : ids) {
      RunView run = runs.get(id, caller);
      List<MetricView> points = metrics.epochs(id);
      views.add(run);
      epochs.put(id, points);
      compared.add(compared(run, points));
    }
    return new Report(
        new CompareView(views, Comparison.of(compared, io.kiln.core.i18n.Messages.of(locale))),
        epochs);
  }

  private ComparedRun compared(RunView run, List<MetricView> epochs) {
    Double gap = null;
    if (!epochs.isEmpty()) {
      MetricView last = epochs.get(epochs.size() - 1);
      double g = EpochPoint.of(last.epoch(), last.values()).gap();
      gap = Double.isNaN(g) ? null : g;
    }
    Double duration = null;
    if (run.startedAt() != null) {
      Instant end = run.finishedAt() != null ? run.finishedAt() : Instant.now();
      duration = Duration.between(run.startedAt(), end).toMillis() / 1000.0;
    }
    return new ComparedRun(
        run.id(),
        run.name(),
        run.state(),
        run.parentId(),
        run.suggestionId() == null ? null : advice.title(run.suggestionId()),
        run.recipe(),
        run.bestValAccuracy(),
        run.testAccuracy(),
        duration,
        run.imagesPerSecond(),
        gap,
        recall(run.evaluation()));
  }

  private static Map<String, Double> recall(RunEvaluation evaluation) {
    if (evaluation == null || evaluation.perClass() == null) {
      return null;
    }
    Map<String, Double> out = new LinkedHashMap<>();
    evaluation.perClass().forEach(c -> out.put(c.name(), c.recall()));
    return out;
  }
}
