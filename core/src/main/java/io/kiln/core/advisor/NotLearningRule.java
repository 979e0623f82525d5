package io.kiln.core.advisor;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A3: validation accuracy stays near chance (1 / classes) after several epochs. */
final class NotLearningRule implements Rule {
  @Override
  public String id() {
    return "A3";
  }

  @Override
  public Optional<Suggestion> evaluate(RunHistory h, RunContext c, Thresholds t) {
    int n = t.notLearningEpochs();
    if (h.epochCount() < n) {
      return Optional.empty();
    }
    double best = 0;
    for (int i = 0; i < n; i++) {
      best = Math.max(best, h.fromEnd(i).valAccuracy());
    }
    if (best > c.chance() + t.chanceMargin()) {
      return Optional.empty();
    }
    var r = c.recipe();
    Patch patch = new Patch(r);
    String cause;
    if (r.weightDecay() > 1e-3) {
      patch.set("weightDecay", 1e-4);
      cause =
          String.format(
              "The weight decay of %s is far too strong: it pulls every weight back to zero"
                  + " faster than the data can teach it (T9).",
              r.weightDecay());
    } else if (r.effectiveLearningRate() > 0.2) {
      patch.scaleLearningRate(0.1);
      cause = "The learning rate is probably too high for the network to settle (T2).";
    } else {
      patch.scaleLearningRate(10);
      cause = "The learning rate may be too low to get anywhere in this many epochs (T2).";
    }
    String explanation =
        String.format(
            "After %d epochs the model is no better than guessing: %.0f%% on unseen"
                + " images, where chance is %.0f%%. %s If the settings look right, check that each folder holds the"
                + " right class and that images are readable (T16, T17).",
            h.epochCount(), best * 100, c.chance() * 100, cause);
    return Optional.of(
        new Suggestion(
            id(),
            List.of("T9", "T2", "T16", "T17"),
            "high",
            "Not learning",
            explanation,
            Map.of("epochs", h.epochCount(), "bestRecentValAccuracy", best, "chance", c.chance()),
            patch.build()));
  }
}
