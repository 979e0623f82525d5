package io.kiln.core.advisor;

import io.kiln.core.i18n.Text;
import io.kiln.core.i18n.Texts;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A1: training accuracy well above validation with the gap growing, or validation loss rising while
 * training loss falls.
 */
final class OverfittingRule implements Rule {
  @Override
  public String id() {
    return "A1";
  }

  @Override
  public Optional<Suggestion> evaluate(RunHistory h, RunContext c, Thresholds t) {
    int n = t.minEpochs();
    if (h.epochCount() < n) {
      return Optional.empty();
    }
    EpochPoint last = h.fromEnd(0);
    EpochPoint earlier = h.fromEnd(n - 1);
    boolean gapGrowing =
        last.gap() >= t.overfitGap()
            && last.gap() - earlier.gap() >= t.gapGrowth()
            && last.gap() >= h.fromEnd(1).gap() - 0.005;
    boolean valLossRising = true;
    for (int i = 0; i < n - 1; i++) {
      valLossRising &= h.fromEnd(i).valLoss() > h.fromEnd(i + 1).valLoss();
    }
    valLossRising &= last.trainLoss() < earlier.trainLoss() && last.gap() > 0;
    if (!gapGrowing && !valLossRising) {
      return Optional.empty();
    }
    var r = c.recipe();
    Patch patch = new Patch(r).set("weightDecay", r.weightDecay() > 0 ? r.weightDecay() * 3 : 1e-4);
    if (r.cutmixAlpha() == 0) {
      patch
          .set("cutmixAlpha", 1.0)
          .set("cutmixProbability", r.mixupAlpha() > 0 ? 1 - r.mixupProbability() : 1.0);
    }
    if (r.labelSmoothing() == 0 && Patch.largeModel(r)) {
      patch.set("labelSmoothing", 0.1);
    }
    patch.set("earlyStopping", true);
    Text explanation =
        Text.of(
            Patch.largeModel(r) ? "advice.A1.explanation.large" : "advice.A1.explanation",
            "train",
            Texts.percent(last.trainAccuracy(), 0),
            "val",
            Texts.percent(last.valAccuracy(), 0));
    return Optional.of(
        new Suggestion(
            id(),
            List.of("T9", "T12", "T10", "T15", "T13"),
            "medium",
            Text.of("advice.A1.title"),
            explanation,
            Map.of(
                "epoch",
                last.epoch(),
                "trainAccuracy",
                last.trainAccuracy(),
                "valAccuracy",
                last.valAccuracy(),
                "gap",
                last.gap(),
                "gapEpochsAgo",
                earlier.gap(),
                "valLossRising",
                valLossRising),
            patch.build()));
  }
}
