package io.kiln.backend.advice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.dataset.DatasetService;
import io.kiln.backend.metrics.MetricService;
import io.kiln.backend.metrics.MetricView;
import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunMapper;
import io.kiln.backend.run.RunService;
import io.kiln.backend.run.RunView;
import io.kiln.core.advisor.Advisor;
import io.kiln.core.advisor.EpochPoint;
import io.kiln.core.advisor.RunContext;
import io.kiln.core.advisor.RunHistory;
import io.kiln.core.advisor.Suggestion;
import io.kiln.core.advisor.Thresholds;
import io.kiln.core.protocol.MetricKind;
import io.kiln.backend.preset.PresetPlanner;
import io.kiln.core.recipe.Recipe;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Runs the advisor (core's rules A1-A9) over a run's curves and keeps its suggestions: one row per
 * rule, updated while the rule holds, marked inactive when it stops holding. Applying a suggestion
 * queues a child run with the patched recipe.
 */
@ApplicationScoped
public class AdviceService {
  private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {};
  private final ObjectMapper json;
  private final RunMapper runs;
  private final RunService runService;
  private final MetricService metrics;
  private final DatasetService datasets;
  private final Event<AdviceEvents> changed;
  private final Advisor advisor;
  private final PresetPlanner planner;

  AdviceService(ObjectMapper json, RunMapper runs, RunService runService, MetricService metrics,
      DatasetService datasets, Event<AdviceEvents> changed, KilnConfig config, PresetPlanner planner) {
    this.planner = planner;
    this.json = json;
    this.runs = runs;
    this.runService = runService;
    this.metrics = metrics;
    this.datasets = datasets;
    this.changed = changed;
    this.advisor = new Advisor(thresholds(config.advisor()));
  }

  /** Re-reads the run's curves and brings its stored suggestions up to date. */
  @Transactional
  public void evaluate(long runId) {
    Run run = Run.findById(runId);
    if (run == null) {
      return;
    }
    Recipe recipe = runs.recipe(run);
    int classes = datasets.classCounts(run.dataset).size();
    int trainImages = run.dataset.details != null ? datasets.trainImages(run.dataset)
        : (int) Math.round(run.dataset.imageCount * (1 - recipe.validationFraction()));
    RunContext context = new RunContext(recipe, planner.reference(run.presetId), trainImages, classes);
    List<Suggestion> fired = advisor.evaluate(history(run, metrics.list(runId, -1)), context);
    Map<String, Advice> stored = Advice.<Advice>list("runId", runId).stream()
        .collect(Collectors.toMap(a -> a.ruleId, Function.identity()));
    boolean dirty = false;
    Instant now = Instant.now();
    for (Suggestion s : fired) {
      Advice a = stored.remove(s.ruleId());
      if (a == null) {
        a = new Advice();
        a.runId = runId;
        a.ruleId = s.ruleId();
        a.createdAt = now;
      } else if (a.active && Objects.equals(a.patch, write(s.patch())) && Objects.equals(a.evidence, write(s.evidence()))) {
        continue;
      }
      a.severity = s.severity();
      a.title = s.title();
      a.explanation = s.explanation();
      a.trickIds = String.join(",", s.trickIds());
      a.evidence = write(s.evidence());
      a.patch = write(s.patch());
      a.active = true;
      a.updatedAt = now;
      a.persist();
      dirty = true;
    }
    for (Advice gone : stored.values()) {
      if (gone.active) {
        gone.active = false;
        gone.updatedAt = now;
        dirty = true;
      }
    }
    if (dirty) {
      Advice.flush();
      changed.fire(new AdviceEvents(runId, list(runId)));
    }
  }

  /** A run's suggestions: the ones that hold first, most severe first. */
  @Transactional
  public List<AdviceView> list(long runId) {
    return Advice.<Advice>list("runId", Sort.ascending("id"), runId).stream().map(this::view)
        .sorted(Comparator.comparing((AdviceView v) -> !v.active()).thenComparing(v -> rank(v.severity())))
        .toList();
  }

  /** Queues the child run that applies suggestion {@code adviceId} of run {@code runId}. */
  @Transactional
  public RunView apply(long runId, long adviceId, String user, boolean byAutopilot) {
    RunService.find(runId);
    Advice a = Advice.findById(adviceId);
    if (a == null || a.runId != runId) {
      throw ApiException.notFound("suggestion of run " + runId, adviceId);
    }
    if (a.appliedRunId != null) {
      throw new ApiException(409, "suggestion " + adviceId + " was already applied as run #" + a.appliedRunId);
    }
    Recipe recipe = runs.recipe(Run.findById(runId)).with(read(a.patch));
    RunView child = runService.createDerived(runId, recipe, a.id, a.title + " fix (" + a.ruleId + ")", user,
        byAutopilot);
    a.appliedRunId = child.id();
    a.updatedAt = Instant.now();
    changed.fire(new AdviceEvents(runId, list(runId)));
    return child;
  }

  private RunHistory history(Run run, List<MetricView> points) {
    List<EpochPoint> epochs = new ArrayList<>();
    List<Double> steps = new ArrayList<>();
    for (MetricView p : points) {
      Map<String, Double> v = p.values();
      if (MetricKind.EPOCH.equals(p.kind())) {
        epochs.add(new EpochPoint(p.epoch(), value(v, "trainLoss"), value(v, "trainAccuracy"), value(v, "valLoss"),
            value(v, "valAccuracy"), value(v, "lr")));
      } else if (v.containsKey("loss")) {
        steps.add(value(v, "loss"));
      }
    }
    boolean finished = run.currentEpoch >= run.totalEpochs || run.note != null;
    return new RunHistory(epochs, steps, finished);
  }

  private static double value(Map<String, Double> values, String key) {
    Double v = values.get(key);
    return v == null ? Double.NaN : v;
  }

  AdviceView view(Advice a) {
    return new AdviceView(a.id, a.runId, a.ruleId, Arrays.asList(a.trickIds.split(",")), a.severity, a.title,
        a.explanation, read(a.evidence), read(a.patch), a.active, a.createdAt, a.updatedAt, a.appliedRunId);
  }

  private static int rank(String severity) {
    return switch (severity) {
      case "high" -> 0;
      case "medium" -> 1;
      default -> 2;
    };
  }

  private String write(Map<String, Object> map) {
    try {
      return json.writeValueAsString(map);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private Map<String, Object> read(String text) {
    try {
      return json.readValue(text, MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt suggestion JSON", e);
    }
  }

  static Thresholds thresholds(KilnConfig.Advisor c) {
    return new Thresholds(c.minEpochs(), c.overfitGap(), c.gapGrowth(), c.underfitAccuracy(), c.chanceMargin(),
        c.notLearningEpochs(), c.divergenceFactor(), c.plateauEpochs(), c.plateauDelta(), c.highLrShare(),
        c.floorRatio(), c.oscillation(), c.smallDataset(), c.fineTuneRate());
  }
}
