package io.kiln.core.advisor;

import io.kiln.core.i18n.Text;
import io.kiln.core.i18n.Texts;
import java.util.List;
import java.util.Optional;

/** A2: training accuracy below validation, or both low and still rising when training ended. */
final class UnderfittingRule implements Rule {
  /** An SGD rate per 256 images below this is far below the usual 0.1 (T2, T8). */
  static final double LOW_RATE_PER_256 = 0.005;

  /**
   * Whether the model does worse on its training images than on validation at epoch {@code p},
   * beyond the noise of both: a training pass made harder than the test by weight decay,
   * augmentation or label smoothing (T9, T10, T11). The training pass's own accuracy is read for
   * that (bench/advice-efficacy: a network held back by crops and smoothing shows it), less what
   * its lag explains: averaged over the epoch while the model improved, it trails the epoch's end
   * by about half the epoch's gain. A pass that mixes images (mixup, CutMix) scores a different
   * task, so there the clean fit measure is read, and a clean fit clearly above validation rules it
   * out.
   */
  private static boolean below(EpochPoint p, EpochPoint before, RunContext c) {
    var r = c.recipe();
    boolean mixes = r.mixupAlpha() > 0 || r.cutmixAlpha() > 0;
    if (mixes && !p.fitMeasured()) {
      return false;
    }
    if (p.fitMeasured() && p.gap() > c.gapNoise(p, true)) {
      return false;
    }
    EpochPoint pass = mixes ? p : p.withoutFit();
    double lag = before == null ? 0 : Math.max(0, (p.fit() - before.fit())) / 2;
    return -pass.gap() - lag > Math.max(0.01, c.gapNoise(pass, false));
  }

  private static boolean below(EpochPoint p, RunHistory h, RunContext c) {
    return below(p, h.epochCount() > 2 ? h.fromEnd(2) : null, c);
  }

  @Override
  public String id() {
    return "A2";
  }

  @Override
  public Optional<Suggestion> evaluate(RunHistory h, RunContext c, Thresholds t) {
    // A finished run shorter than the usual evidence window is judged on its last two epochs: a
    // 2-epoch run still climbing wants more epochs (bench/advice-efficacy, "too-few-epochs").
    if (h.epochCount() < (h.finished() ? 2 : t.minEpochs())) {
      return Optional.empty();
    }
    EpochPoint last = h.fromEnd(0);
    EpochPoint previous = h.fromEnd(1);
    boolean aboveChance = last.valAccuracy() > c.chance() + t.chanceMargin();
    // The training accuracy below validation beyond the noise of both (T16), two epochs running.
    boolean trainBelowVal = below(last, previous, c) && below(previous, h, c);
    // Still climbing when training ended: validation rose over the last two epochs by more than
    // half its interval (a climb of 2 images in 90 is not one).
    EpochPoint back = h.fromEnd(Math.min(2, h.epochCount() - 1));
    boolean lowAndRising =
        h.finished()
            && last.fit() < t.underfitAccuracy()
            && last.valAccuracy() - back.valAccuracy()
                > Math.max(0.005, c.valHalfWidth(last.valAccuracy()) / 2)
            && last.fit() > previous.fit();
    if (!aboveChance || !(trainBelowVal || lowAndRising)) {
      return Optional.empty();
    }
    var r = c.recipe();
    // A weight decay far above the usual 1e-4 goes back to it; a usual one is divided by 3 (T9).
    Patch patch =
        new Patch(r).set("weightDecay", r.weightDecay() > 1e-3 ? 1e-4 : r.weightDecay() / 3);
    if (r.cutmixAlpha() > 0) {
      patch.set("cutmixAlpha", 0.0);
    }
    if (r.mixupAlpha() > 0) {
      patch.set("mixupAlpha", 0.0);
    }
    // Small networks want gentle augmentation (T11): crops go; a large one keeps milder crops.
    // (bench/autopilot-climb: milder crops on the small CNN still left it 6 points short.)
    if (r.randomResizedCrop() && !Patch.largeModel(r)) {
      patch.set("randomResizedCrop", false);
    } else if (r.randomResizedCrop() && r.cropScaleMin() < 0.35) {
      patch.set("cropScaleMin", 0.35);
    }
    if (r.labelSmoothing() > 0) {
      patch.set("labelSmoothing", 0.0);
    }
    if (lowAndRising) {
      patch.set(
          "epochs", (long) Math.min(1000, Math.max(Math.ceil(r.epochs() * 1.5), r.epochs() + 3)));
      // A rate far below the usual one is the likelier cause (T2): raise it up to 10x, toward the
      // reference rate (bench/autopilot-climb: one 10x raise from 0.0003 still left the run at a
      // fifteenth of the usual rate, and three follow-up runs 7 points short).
      double usual = c.reference().effectiveLearningRate();
      boolean farBelowUsual =
          r.optimizer().equals(c.reference().optimizer()) && r.effectiveLearningRate() < usual / 4;
      boolean farBelowSgd =
          r.effectiveLearningRate() * 256.0 / r.batchSize() < LOW_RATE_PER_256
              && "sgd".equals(r.optimizer());
      if (farBelowUsual || farBelowSgd) {
        double factor = farBelowUsual ? Math.min(10, usual / r.effectiveLearningRate()) : 10;
        patch.scaleLearningRate(factor);
      }
    }
    Text explanation =
        trainBelowVal
            ? Text.of(
                "advice.A2.explanation.trainBelowVal",
                "train",
                Texts.percent(
                    r.mixupAlpha() > 0 || r.cutmixAlpha() > 0 ? last.fit() : last.trainAccuracy(),
                    0),
                "val",
                Texts.percent(last.valAccuracy(), 0))
            : Text.of("advice.A2.explanation.rising", "train", Texts.percent(last.fit(), 0));
    return Optional.of(
        new Suggestion(
            id(),
            List.of("T9", "T11", "T10", "T19"),
            "medium",
            Text.of("advice.A2.title"),
            explanation,
            Evidence.of(last, c).put("stillRising", lowAndRising).build(),
            patch.build()));
  }
}
