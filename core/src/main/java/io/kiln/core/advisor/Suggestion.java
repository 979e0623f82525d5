package io.kiln.core.advisor;

import io.kiln.core.i18n.Text;
import java.util.List;
import java.util.Map;

/**
 * One piece of tuning advice: which rule fired on what evidence, in plain words, and the recipe
 * patch that applies it (field name to new value; applying it creates a child run).
 *
 * @param severity "high" (the run is wasting its time), "medium" (it will end worse than it could)
 *     or "low" (an improvement)
 * @param evidence the numbers and epochs that triggered the rule
 * @param titleText the title as a message (its key and arguments), {@code title} is its English
 * @param explanationText the explanation as a message, {@code explanation} is its English
 */
public record Suggestion(
    String ruleId,
    List<String> trickIds,
    String severity,
    String title,
    String explanation,
    Map<String, Object> evidence,
    Map<String, Object> patch,
    Text titleText,
    Text explanationText) {

  /** A suggestion in every language: its English title and explanation come from the messages. */
  public Suggestion(
      String ruleId,
      List<String> trickIds,
      String severity,
      Text title,
      Text explanation,
      Map<String, Object> evidence,
      Map<String, Object> patch) {
    this(
        ruleId,
        trickIds,
        severity,
        title.english(),
        explanation.english(),
        evidence,
        patch,
        title,
        explanation);
  }

  public Suggestion {
    trickIds = List.copyOf(trickIds);
    evidence = Map.copyOf(evidence);
    patch = Map.copyOf(patch);
  }

  /** 0 for the most severe: suggestions are listed in this order. */
  public int rank() {
    return rank(severity);
  }

  /** The order of a severity: high 0, medium 1, anything else (low) 2. */
  public static int rank(String severity) {
    return switch (severity) {
      case "high" -> 0;
      case "medium" -> 1;
      default -> 2;
    };
  }
}
