package io.kiln.core.advisor;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One diagnosis per run, in order of cause: the rules that fired, less those that only restate a
 * deeper problem, ranked so the first is the one to try first.
 *
 * <ul>
 *   <li>A diverged run (A4) is judged on nothing else: its curves after the blow-up say nothing
 *       about fit, plateaus or stability, and advice to train longer would be wrong.
 *   <li>A run that does not learn (A3) silences the rules that read a healthy curve (A1, A2, A5,
 *       A6, A7): they would describe the symptom, not the cause.
 *   <li>Overfitting (A1) and underfitting (A2) never both stand; overfitting, which needs a growing
 *       gap as evidence, wins.
 *   <li>The rest are ranked by expected effect: setup mistakes that cap every later epoch (A9, A8),
 *       then noisy steps (A7: a jumping validation curve makes any judgement of fit unreliable;
 *       bench/advice-efficacy had A1 fire on an unstable run, and its patch cost 3.3 points), then
 *       fit (A1, A2), then schedule fine-tuning (A5, A6).
 * </ul>
 */
public final class Diagnosis {
  /** The rules in order of cause: the first one that fired is the one to try first. */
  static final List<String> ORDER = List.of("A4", "A3", "A9", "A8", "A7", "A1", "A2", "A5", "A6");

  /** Rules that read a curve of a run that learns. */
  static final Set<String> HEALTHY_CURVE = Set.of("A1", "A2", "A5", "A6", "A7");

  private Diagnosis() {}

  /** The suggestions to show, the one to try first at the head. */
  public static List<Suggestion> of(List<Suggestion> fired) {
    Set<String> ids = fired.stream().map(Suggestion::ruleId).collect(Collectors.toSet());
    return fired.stream()
        .filter(s -> !ids.contains("A4") || s.ruleId().equals("A4"))
        .filter(s -> !ids.contains("A3") || !HEALTHY_CURVE.contains(s.ruleId()))
        .filter(s -> !ids.contains("A1") || !s.ruleId().equals("A2"))
        .sorted(Comparator.comparingInt(s -> priority(s.ruleId())))
        .toList();
  }

  /** The place of a rule in the order of cause (0 first); unknown rules go last. */
  public static int priority(String ruleId) {
    int i = ORDER.indexOf(ruleId);
    return i < 0 ? ORDER.size() : i;
  }
}
