package io.kiln.backend.advice;

import io.kiln.backend.audit.Audit;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.Json;
import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.dataset.DatasetService;
import io.kiln.backend.metrics.MetricService;
import io.kiln.backend.preset.PresetPlanner;
import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunEvents;
import io.kiln.backend.run.RunMapper;
import io.kiln.backend.run.RunService;
import io.kiln.backend.run.RunView;
import io.kiln.core.advisor.Advisor;
import io.kiln.core.advisor.Diagnosis;
import io.kiln.core.advisor.RunContext;
import io.kiln.core.advisor.RunHistory;
import io.kiln.core.advisor.Suggestion;
import io.kiln.core.advisor.Thresholds;
import io.kiln.core.i18n.Text;
import io.kiln.core.recipe.Recipe;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
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
  private final Json json;
  private final RunMapper runs;
  private final RunService runService;
  private final MetricService metrics;
  private final DatasetService datasets;
  private final Event<AdviceEvents> changed;
  private final Advisor advisor;
  private final PresetPlanner planner;
  private final HistoryCache histories = new HistoryCache();
  private final RunFamily family;
  private final Audit audit;

  AdviceService(
      Json json,
      RunMapper runs,
      RunService runService,
      MetricService metrics,
      DatasetService datasets,
      Event<AdviceEvents> changed,
      KilnConfig config,
      PresetPlanner planner,
      RunFamily family,
      Audit audit) {
    this.family = family;
    this.audit = audit;
    this.planner = planner;
    this.json = json;
    this.runs = runs;
    this.runService = runService;
    this.metrics = metrics;
    this.datasets = datasets;
    this.changed = changed;
    this.advisor = new Advisor(thresholds(config.advisor()));
  }

  /** A resumed run dropped the points after its checkpoint: read its history again. */
  void onRewound(@Observes(during = TransactionPhase.AFTER_SUCCESS) RunEvents.Rewound event) {
    histories.forget(event.runId());
  }

  /**
   * Reads the run's new metric points (only those since the last evaluation: the history is kept
   * between calls, so a run costs linear time, not quadratic) and brings its stored suggestions up
   * to date.
   */
  @Transactional
  public void evaluate(long runId) {
    Run run = Run.findById(runId);
    if (run == null) {
      return;
    }
    Recipe recipe = runs.recipe(run);
    int classes = datasets.classCounts(run.dataset).size();
    int trainImages = datasets.trainImages(run.dataset, recipe.validationFraction());
    int validationImages =
        run.validationImages != null
            ? run.validationImages
            : datasets.validationImages(run.dataset, recipe.validationFraction());
    RunContext context =
        new RunContext(
            recipe,
            planner.reference(run.presetId),
            trainImages,
            validationImages,
            classes,
            family.tried(run));
    boolean finished = run.currentEpoch >= run.totalEpochs || run.note != null;
    RunHistory history = histories.update(runId, after -> metrics.list(runId, after), finished);
    if (run.state.terminal()) {
      histories.forget(runId);
    }
    List<Suggestion> fired = advisor.evaluate(history, context);
    Map<String, Advice> stored =
        Advice.<Advice>list("runId", runId).stream()
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
      } else if (a.active
          && Objects.equals(a.patch, json.write(s.patch()))
          && Objects.equals(a.evidence, json.write(s.evidence()))) {
        continue;
      }
      a.severity = s.severity();
      a.title = s.title();
      a.explanation = s.explanation();
      a.explanationText = json.write(s.explanationText());
      a.trickIds = String.join(",", s.trickIds());
      a.evidence = json.write(s.evidence());
      a.patch = json.write(s.patch());
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

  /** A run's suggestions: the ones that hold first, in order of cause (the first to try first). */
  @Transactional
  public List<AdviceView> list(long runId) {
    return Advice.<Advice>list("runId", Sort.ascending("id"), runId).stream()
        .map(this::view)
        .sorted(
            Comparator.comparing((AdviceView v) -> !v.active())
                .thenComparing(v -> Diagnosis.priority(v.ruleId())))
        .toList();
  }

  /** The title of a suggestion with its rule ("Overfitting (A1)"), or null when it is gone. */
  @Transactional
  public String title(long adviceId) {
    Advice a = Advice.findById(adviceId);
    return a == null ? null : a.title + " (" + a.ruleId + ")";
  }

  /**
   * Queues the child run that applies suggestion {@code adviceId} of run {@code runId}.
   *
   * @param followUps for the autopilot, the follow-up runs it may still start after this child;
   *     null when a person applies it
   */
  @Transactional
  public RunView apply(long runId, long adviceId, String user, Integer followUps) {
    boolean byAutopilot = followUps != null;
    RunService.find(runId);
    // Locked until commit: a second apply of the same suggestion waits, then sees it applied (409).
    Advice a = Advice.findById(adviceId, LockModeType.PESSIMISTIC_WRITE);
    if (a == null || a.runId != runId) {
      throw ApiException.notFound("suggestion of run " + runId, adviceId);
    }
    if (a.appliedRunId != null) {
      throw new ApiException(
          409, Text.of("error.alreadyApplied", "id", adviceId, "run", a.appliedRunId));
    }
    Recipe recipe =
        runs.recipe(Run.findById(runId)).with(json.readMap(a.patch, "patch of suggestion " + a.id));
    RunView child =
        runService.createDerived(
            runId,
            recipe,
            a.id,
            a.title + " fix (" + a.ruleId + ")",
            user,
            byAutopilot ? followUps : null);
    a.appliedRunId = child.id();
    a.updatedAt = Instant.now();
    audit.record(
        byAutopilot ? "autopilot" : user,
        "suggestion-applied",
        "run " + runId,
        a.ruleId + " " + a.title + " -> run " + child.id());
    changed.fire(new AdviceEvents(runId, list(runId)));
    return child;
  }

  AdviceView view(Advice a) {
    return new AdviceView(
        a.id,
        a.runId,
        a.ruleId,
        Arrays.asList(a.trickIds.split(",")),
        a.severity,
        a.title,
        a.explanation,
        json.readMap(a.evidence, "evidence of suggestion " + a.id),
        json.readMap(a.patch, "patch of suggestion " + a.id),
        a.active,
        a.createdAt,
        a.updatedAt,
        a.appliedRunId,
        Text.of("advice." + a.ruleId + ".title"),
        a.explanationText == null
            ? null
            : json.read(a.explanationText, Text.class, "explanation of suggestion " + a.id));
  }

  static Thresholds thresholds(KilnConfig.Advisor c) {
    return new Thresholds(
        c.minEpochs(),
        c.overfitGap(),
        c.gapGrowth(),
        c.underfitAccuracy(),
        c.chanceMargin(),
        c.notLearningEpochs(),
        c.divergenceFactor(),
        c.plateauEpochs(),
        c.plateauDelta(),
        c.highLrShare(),
        c.floorRatio(),
        c.oscillation(),
        c.smallDataset(),
        c.fineTuneRate());
  }
}
