package io.kiln.core.advisor;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A6: the learning rate decayed below about 1/1000 of its start while the metrics still improve.
 */
final class LrFloorRule implements Rule {
  @Override
  public String id() {
    return "A6";
  }

  @Override
  public Optional<Suggestion> evaluate(RunHistory h, RunContext c, Thresholds t) {
    if (h.epochCount() < 2) {
      return Optional.empty();
    }
    var r = c.recipe();
    EpochPoint last = h.fromEnd(0);
    double start = r.effectiveLearningRate();
    boolean improving = last.valAccuracy() - h.fromEnd(1).valAccuracy() > 0.002;
    if (last.lr() >= t.floorRatio() * start || !improving) {
      return Optional.empty();
    }
    double floor = start / 100;
    Patch patch = new Patch(r).set("minLearningRate", floor);
    if ("piecewise".equals(r.schedule()) || "exponential".equals(r.schedule())) {
      patch.set("schedule", "cosine");
    }
    String explanation =
        String.format(
            "The learning rate fell to %.2g, %.0f times below its start, while"
                + " validation accuracy was still improving (%.1f%% -> %.1f%%): the model is learning slower than it could."
                + " Keep a floor of about 1/100 of the start (T4, T7).",
            last.lr(),
            start / last.lr(),
            h.fromEnd(1).valAccuracy() * 100,
            last.valAccuracy() * 100);
    return Optional.of(
        new Suggestion(
            id(),
            List.of("T4", "T7"),
            "low",
            "Learning rate floor too low",
            explanation,
            Map.of("lr", last.lr(), "startLr", start, "epoch", last.epoch()),
            patch.build()));
  }
}
