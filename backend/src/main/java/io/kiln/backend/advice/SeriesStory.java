package io.kiln.backend.advice;

import io.kiln.backend.run.Run;
import io.kiln.backend.run.RunMapper;
import io.kiln.backend.run.RunService;
import io.kiln.core.advisor.Tried;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Tells an autopilot series as one story ({@link AutopilotStory}) from the runs' family. */
@ApplicationScoped
class SeriesStory {
  private final RunFamily family;
  private final RunMapper mapper;

  SeriesStory(RunFamily family, RunMapper mapper) {
    this.family = family;
    this.mapper = mapper;
  }

  /** The series {@code runId} belongs to, from the run that started it. */
  @Transactional
  AutopilotStory of(long runId) {
    Run start = family.seriesStart(RunService.find(runId));
    List<Run> series = family.series(start);
    Map<Long, Run> byId = new HashMap<>();
    byId.put(start.id, start);
    series.forEach(r -> byId.put(r.id, r));
    Run best = start;
    List<AutopilotStory.AutopilotStep> steps = new ArrayList<>();
    for (Run run : series) {
      Run parent = byId.get(run.parentId);
      Double gain =
          RunFamily.judged(run) && RunFamily.judged(parent)
              ? run.bestValAccuracy - parent.bestValAccuracy
              : null;
      if (RunFamily.judged(run)
          && (!RunFamily.judged(best) || run.bestValAccuracy > best.bestValAccuracy)) {
        best = run;
      }
      Advice applied = run.suggestionId == null ? null : Advice.findById(run.suggestionId);
      steps.add(
          new AutopilotStory.AutopilotStep(
              run.id,
              parent.id,
              applied == null ? null : applied.ruleId,
              changes(parent, run),
              run.state.name().toLowerCase(Locale.ROOT),
              run.bestValAccuracy,
              gain,
              RunFamily.judged(run) && (gain == null || gain > 0)));
    }
    return new AutopilotStory(start.id, start.bestValAccuracy, best.id, start.autopilot, steps);
  }

  private List<AutopilotStory.FieldChange> changes(Run parent, Run child) {
    Map<String, Object> before = mapper.recipeMap(parent);
    List<AutopilotStory.FieldChange> out = new ArrayList<>();
    for (var e : mapper.recipeMap(child).entrySet()) {
      Object was = before.get(e.getKey());
      if (!Tried.same(was, e.getValue())) {
        out.add(new AutopilotStory.FieldChange(e.getKey(), was, e.getValue()));
      }
    }
    return out;
  }
}
