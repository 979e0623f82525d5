package io.kiln.core.advisor;

import io.kiln.core.i18n.Text;
import io.kiln.core.i18n.Texts;
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
    // Or the rate decayed so early that a run with room to learn stopped learning
    // (bench/advice-efficacy, "decayed-too-early": flat at a tiny rate, training accuracy low).
    boolean starved = h.finished() && last.trainAccuracy() < t.underfitAccuracy();
    if (last.lr() >= t.floorRatio() * start || !(improving || starved)) {
      return Optional.empty();
    }
    double floor = start / 100;
    Patch patch = new Patch(r).set("minLearningRate", floor);
    if ("piecewise".equals(r.schedule()) || "exponential".equals(r.schedule())) {
      patch.set("schedule", "cosine");
    }
    Text explanation =
        Text.of(
            "advice.A6.explanation",
            "rate",
            Texts.number(last.lr(), 2),
            "times",
            Texts.whole(start / last.lr()),
            "before",
            Texts.percent(h.fromEnd(1).valAccuracy(), 1),
            "after",
            Texts.percent(last.valAccuracy(), 1));
    return Optional.of(
        new Suggestion(
            id(),
            List.of("T4", "T7"),
            "low",
            Text.of("advice.A6.title"),
            explanation,
            Map.of("lr", last.lr(), "startLr", start, "epoch", last.epoch()),
            patch.build()));
  }
}
