package io.kiln.core.advisor;

import io.kiln.core.i18n.Text;
import io.kiln.core.i18n.Texts;
import io.kiln.core.metric.Metric;
import java.util.List;
import java.util.Optional;

/** A5: validation accuracy flat for several epochs while the learning rate is still high. */
final class PlateauRule implements Rule {
  @Override
  public String id() {
    return "A5";
  }

  @Override
  public Optional<Suggestion> evaluate(RunHistory h, RunContext c, Thresholds t) {
    int n = t.plateauEpochs();
    if (h.epochCount() < Math.max(n, t.minEpochs())) {
      return Optional.empty();
    }
    double lo = 1;
    double hi = 0;
    for (int i = 0; i < n; i++) {
      lo = Math.min(lo, h.fromEnd(i).valAccuracy());
      hi = Math.max(hi, h.fromEnd(i).valAccuracy());
    }
    EpochPoint last = h.fromEnd(0);
    var r = c.recipe();
    boolean rateHigh = last.lr() >= t.highLrShare() * r.effectiveLearningRate();
    boolean learning = last.valAccuracy() > c.chance() + t.chanceMargin();
    // A flat band narrower than one validation image cannot be seen (T16): on 90 images, equal
    // accuracies over a few epochs are as likely a slow climb hidden by rounding.
    boolean resolved = c.validationImages() <= 0 || 1.0 / c.validationImages() <= t.plateauDelta();
    boolean flat = hi - lo <= t.plateauDelta() && resolved;
    // Or no new best for n epochs, as ReduceLROnPlateau's patience counts (T7): a high rate that
    // never decays leaves the curve jumping around its level (bench/advice-efficacy's
    // constant-high-rate-plateau: no flat band, no alternation either).
    double bestBefore = 0;
    for (int i = n; i < h.epochCount(); i++) {
      bestBefore = Math.max(bestBefore, h.fromEnd(i).valAccuracy());
    }
    boolean stalled = h.epochCount() >= n + 2 && hi <= bestBefore;
    if (!(flat || stalled) || !learning || !rateHigh) {
      return Optional.empty();
    }
    Patch patch = new Patch(r);
    if ("plateau".equals(r.schedule())) {
      patch.set("earlyStopping", true);
    } else if ("constant".equals(r.schedule())) {
      patch.set("schedule", "cosine");
    } else {
      patch
          .set("schedule", "plateau")
          .set("plateauMetric", Metric.VAL_ACCURACY.key())
          .set("plateauMode", "max")
          .set("plateauPatience", 2L);
    }
    Text explanation =
        Text.of(
            "advice.A5.explanation",
            "low",
            Texts.percent(lo, 1),
            "high",
            Texts.percent(hi, 1),
            "epochs",
            n,
            "rate",
            Texts.number(last.lr(), 3));
    return Optional.of(
        new Suggestion(
            id(),
            List.of("T7", "T4", "T15"),
            "low",
            Text.of("advice.A5.title"),
            explanation,
            Evidence.empty()
                .put("epochs", n)
                .put("valAccuracyLow", lo)
                .put("valAccuracyHigh", hi)
                .put("lr", last.lr())
                .put("bestBefore", bestBefore)
                .validation(hi, c)
                .build(),
            patch.build()));
  }
}
