package io.kiln.core.advisor;

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
    String explanation =
        trainBelowVal
            ? String.format(
                "The model does worse on its own training images (%.0f%%) than on unseen ones (%.0f%%):"
                    + " regularization and augmentation are holding it back. Lower weight decay (T9), weaker augmentation"
                    + " and a larger crop area (T11), no label smoothing (T10); a larger model may help (T19).",
                last.trainAccuracy() * 100, last.valAccuracy() * 100)
            : String.format(
                "Training ended while accuracy was still climbing (%.0f%% on training images): the model"
                    + " has not learned all it can. Train longer and regularize less (T9, T11, T10); a larger model may"
                    + " help (T19).",
                last.trainAccuracy() * 100);
    return Optional.of(
        new Suggestion(
            id(),
            List.of("T9", "T11", "T10", "T19"),
            "medium",
            "Underfitting",
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
