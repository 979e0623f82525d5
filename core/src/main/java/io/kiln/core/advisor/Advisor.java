package io.kiln.core.advisor;

import java.util.List;
import java.util.Optional;

/**
 * Reads a run and returns the tuning suggestions that hold now, as one diagnosis in order of cause
 * ({@link Diagnosis}), less what the run's family already tried ({@link Lineage}). Only suggestions
 * with a recipe change are returned: each can be applied as a new run in one click.
 */
public final class Advisor {
  private static final List<Rule> RULES =
      List.of(
          new OverfittingRule(),
          new UnderfittingRule(),
          new NotLearningRule(),
          new DivergenceRule(),
          new PlateauRule(),
          new LrFloorRule(),
          new UnstableRule(),
          new BatchScalingRule(),
          new FineTuneRateRule());

  private final Thresholds thresholds;

  public Advisor(Thresholds thresholds) {
    this.thresholds = thresholds;
  }

  /** The suggestions that hold now: one diagnosis, the one to try first at the head. */
  public List<Suggestion> evaluate(RunHistory history, RunContext context) {
    // The diagnosis reads the curves first (what they say is true whatever was tried); the lineage
    // then removes the changes the family already tried.
    return Lineage.screen(
        Diagnosis.of(
            RULES.stream()
                .map(rule -> rule.evaluate(history, context, thresholds))
                .flatMap(Optional::stream)
                .filter(s -> !s.patch().isEmpty())
                .toList()),
        context.recipe(),
        context.tried());
  }

  /** The rule IDs, A1 to A9. */
  public static List<String> ruleIds() {
    return RULES.stream().map(Rule::id).toList();
  }
}
