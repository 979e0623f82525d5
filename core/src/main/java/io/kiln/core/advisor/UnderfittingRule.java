package io.kiln.core.advisor;

import io.kiln.core.i18n.Text;
import io.kiln.core.i18n.Texts;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A2: training accuracy below validation, or both low and still rising when training ended. */
final class UnderfittingRule implements Rule {
  @Override
  public String id() {
    return "A2";
  }

  @Override
  public Optional<Suggestion> evaluate(RunHistory h, RunContext c, Thresholds t) {
    if (h.epochCount() < t.minEpochs()) {
      return Optional.empty();
    }
    EpochPoint last = h.fromEnd(0);
    EpochPoint previous = h.fromEnd(1);
    boolean aboveChance = last.valAccuracy() > c.chance() + t.chanceMargin();
    boolean trainBelowVal = last.gap() < -0.01 && previous.gap() < -0.01;
    boolean lowAndRising =
        h.finished()
            && last.trainAccuracy() < t.underfitAccuracy()
            && last.valAccuracy() - previous.valAccuracy() > 0.005
            && last.trainAccuracy() > previous.trainAccuracy();
    if (!aboveChance || !(trainBelowVal || lowAndRising)) {
      return Optional.empty();
    }
    var r = c.recipe();
    Patch patch = new Patch(r).set("weightDecay", r.weightDecay() / 3);
    if (r.cutmixAlpha() > 0) {
      patch.set("cutmixAlpha", 0.0);
    }
    if (r.mixupAlpha() > 0) {
      patch.set("mixupAlpha", 0.0);
    }
    if (r.randomResizedCrop() && r.cropScaleMin() < 0.35) {
      patch.set("cropScaleMin", 0.35);
    }
    if (r.labelSmoothing() > 0) {
      patch.set("labelSmoothing", 0.0);
    }
    if (lowAndRising) {
      patch.set("epochs", (long) Math.min(1000, Math.ceil(r.epochs() * 1.5)));
    }
    Text explanation =
        trainBelowVal
            ? Text.of(
                "advice.A2.explanation.trainBelowVal",
                "train",
                Texts.percent(last.trainAccuracy(), 0),
                "val",
                Texts.percent(last.valAccuracy(), 0))
            : Text.of(
                "advice.A2.explanation.rising", "train", Texts.percent(last.trainAccuracy(), 0));
    return Optional.of(
        new Suggestion(
            id(),
            List.of("T9", "T11", "T10", "T19"),
            "medium",
            Text.of("advice.A2.title"),
            explanation,
            Map.of(
                "epoch",
                last.epoch(),
                "trainAccuracy",
                last.trainAccuracy(),
                "valAccuracy",
                last.valAccuracy(),
                "stillRising",
                lowAndRising),
            patch.build()));
  }
}
