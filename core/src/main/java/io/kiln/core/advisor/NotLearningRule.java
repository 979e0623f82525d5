package io.kiln.core.advisor;

import io.kiln.core.i18n.Text;
import io.kiln.core.i18n.Texts;
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
    // On a split so small that chance itself is known only to +/- twice the margin (12 images of 3
    // classes: +/- 24 points), "no better than guessing" cannot be told from a slow start (T16).
    if (best > c.chance() + t.chanceMargin() || c.valHalfWidth(c.chance()) > 2 * t.chanceMargin()) {
      return Optional.empty();
    }
    var r = c.recipe();
    Patch patch = new Patch(r);
    Text cause;
    if (r.weightDecay() > 1e-3) {
      patch.set("weightDecay", 1e-4);
      cause = Text.of("advice.A3.cause.weightDecay", "weightDecay", r.weightDecay());
    } else if (r.effectiveLearningRate() > 0.2) {
      patch.scaleLearningRate(0.1);
      cause = Text.of("advice.A3.cause.rateHigh");
    } else {
      patch.scaleLearningRate(10);
      cause = Text.of("advice.A3.cause.rateLow");
    }
    Text explanation =
        Text.of(
            "advice.A3.explanation",
            "epochs",
            h.epochCount(),
            "accuracy",
            Texts.percent(best, 0),
            "chance",
            Texts.percent(c.chance(), 0),
            "cause",
            cause);
    return Optional.of(
        new Suggestion(
            id(),
            List.of("T9", "T2", "T16", "T17"),
            "high",
            Text.of("advice.A3.title"),
            explanation,
            Map.of("epochs", h.epochCount(), "bestRecentValAccuracy", best, "chance", c.chance()),
            patch.build()));
  }
}
