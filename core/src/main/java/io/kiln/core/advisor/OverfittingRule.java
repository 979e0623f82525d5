package io.kiln.core.advisor;

import io.kiln.core.i18n.Text;
import io.kiln.core.i18n.Texts;
import java.util.List;
import java.util.Optional;

/**
 * A1: training accuracy well above validation with the gap growing, or validation loss rising while
 * training loss falls.
 */
final class OverfittingRule implements Rule {
  /** Epochs from which CutMix is worth its slower start. */
  static final int LONG_SCHEDULE = 30;

  /** How far above its lowest the validation loss must be to count as turned up (5 %). */
  static final double LOSS_TURN = 0.05;

  /** Training images from which CutMix is worth trying. */
  static final int MANY_IMAGES = 10_000;

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
    // A gap inside the noise of the images it is measured on says nothing (T16): on 90 validation
    // images a 3-point gap is 3 images.
    double noise = c.gapNoise(last, true);
    double wide = Math.max(t.overfitGap(), noise);
    boolean gapGrowing =
        last.gap() >= wide
            && last.gap() - earlier.gap() >= t.gapGrowth()
            && last.gap() >= h.fromEnd(1).gap() - 0.005;
    // A validation loss that rises while the training loss falls counts when the accuracy gap it
    // comes with is real.
    boolean valLossRising = true;
    for (int i = 0; i < n - 1; i++) {
      valLossRising &= h.fromEnd(i).valLoss() > h.fromEnd(i + 1).valLoss();
    }
    valLossRising &=
        last.trainLoss() < earlier.trainLoss() && last.gap() > 0 && last.gap() >= noise;
    // A gap that is already wide over the last epochs counts too (averaged, as validation accuracy
    // jitters): on a small dataset it stops growing once the training images are learned by heart
    // (bench/advice-efficacy: the growth test alone missed both overfitting scenarios).
    double meanGap = 0;
    for (int i = 0; i < n; i++) {
      meanGap += h.fromEnd(i).gap() / n;
    }
    boolean gapWide = meanGap >= Math.max(2 * t.overfitGap(), noise) && last.gap() >= wide;
    // A wide or growing gap is memorisation only once the validation loss has turned up from its
    // lowest: while it still falls, the model still generalises better each epoch and the gap is
    // what a small dataset allows (bench/advice-false-alarms: 900 images, 6 epochs, a 13-point gap
    // and a falling validation loss; stronger regularization changed nothing beyond seed noise).
    double lowestLoss = Double.POSITIVE_INFINITY;
    for (EpochPoint p : h.epochs()) {
      lowestLoss = Math.min(lowestLoss, p.valLoss());
    }
    boolean lossTurnedUp = last.valLoss() > lowestLoss * (1 + LOSS_TURN);
    if (!valLossRising && !(lossTurnedUp && (gapGrowing || gapWide))) {
      return Optional.empty();
    }
    var r = c.recipe();
    // 1e-4 is a negligible change from 0 (measured: -0.2 points), so a run without weight decay
    // gets the classic 5e-4 (T9).
    Patch patch = new Patch(r).set("weightDecay", r.weightDecay() > 0 ? r.weightDecay() * 3 : 5e-4);
    // Cheap augmentation first (T12): flips. Random resized crops only for a large network: on a
    // small one they cost 8-9 points in bench/advice-efficacy (T11: small models want gentle ones).
    if (!r.horizontalFlip()) {
      patch.set("horizontalFlip", true);
    }
    if (!r.randomResizedCrop() && Patch.largeModel(r)) {
      patch.set("randomResizedCrop", true);
    }
    // CutMix needs a long schedule on plenty of images to pay off; on less it only slows learning
    // (bench/advice-efficacy: with CutMix on 300 images the child lost 8 points).
    if (r.cutmixAlpha() == 0 && r.epochs() >= LONG_SCHEDULE && c.trainImages() >= MANY_IMAGES) {
      patch
          .set("cutmixAlpha", 1.0)
          .set("cutmixProbability", r.mixupAlpha() > 0 ? 1 - r.mixupProbability() : 1.0);
    }
    if (r.labelSmoothing() == 0 && Patch.largeModel(r)) {
      patch.set("labelSmoothing", 0.1);
    }
    // Early stopping adds nothing to a run that already keeps its best epoch.
    if (!r.restoreBest()) {
      patch.set("earlyStopping", true);
    }
    Text explanation =
        Text.of(
            Patch.largeModel(r) ? "advice.A1.explanation.large" : "advice.A1.explanation",
            "train",
            Texts.percent(last.fit(), 0),
            "val",
            Texts.percent(last.valAccuracy(), 0));
    return Optional.of(
        new Suggestion(
            id(),
            List.of("T9", "T12", "T10", "T15", "T13"),
            "medium",
            Text.of("advice.A1.title"),
            explanation,
            Evidence.of(last, c)
                .put("gap", last.gap())
                .put("gapEpochsAgo", earlier.gap())
                .put("gapNoise", noise)
                .put("valLossRising", valLossRising)
                .put("valLossNow", last.valLoss())
                .put("lowestValLoss", lowestLoss)
                .build(),
            patch.build()));
  }
}
