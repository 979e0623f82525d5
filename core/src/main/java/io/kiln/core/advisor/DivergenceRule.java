package io.kiln.core.advisor;

import io.kiln.core.i18n.Text;
import io.kiln.core.i18n.Texts;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A4: the loss became NaN or infinite, rose sharply above the lowest it reached, or the validation
 * loss of an epoch blew up to many times the loss at the start (a spike in the first steps that the
 * training loss recovers from can leave the network broken on unseen data).
 */
final class DivergenceRule implements Rule {
  @Override
  public String id() {
    return "A4";
  }

  @Override
  public Optional<Suggestion> evaluate(RunHistory h, RunContext c, Thresholds t) {
    int badStep = h.firstNonFiniteStep();
    double lowest = Double.POSITIVE_INFINITY;
    double smoothed = Double.NaN;
    double risen = Double.NaN;
    int risenAt = 0;
    List<Double> losses = h.stepLosses();
    for (int i = 0; i < losses.size() && badStep == 0; i++) {
      double loss = losses.get(i);
      smoothed = Double.isNaN(smoothed) ? loss : 0.7 * smoothed + 0.3 * loss;
      if (i >= 3 && smoothed > t.divergenceFactor() * lowest) {
        risen = smoothed;
        risenAt = i + 1;
        break;
      }
      lowest = Math.min(lowest, smoothed);
    }
    EpochPoint blown = badStep == 0 && risenAt == 0 ? blownValidation(h, t) : null;
    if (badStep == 0 && risenAt == 0 && blown == null) {
      return Optional.empty();
    }
    var r = c.recipe();
    Patch patch = new Patch(r).scaleLearningRate(0.1);
    if (r.warmupEpochs() == 0) {
      patch.set("warmupEpochs", Math.min(1.0, r.fullEpochs() / 2.0));
    }
    if (r.gradientClipNorm() == 0) {
      patch.set("gradientClipNorm", 5.0);
    }
    double start = losses.isEmpty() ? Double.NaN : losses.get(0);
    Text what =
        badStep > 0
            ? Text.of("advice.A4.what.nonFinite", "step", badStep)
            : blown != null
                ? Text.of(
                    "advice.A4.what.valLoss",
                    "loss",
                    Texts.number(blown.valLoss(), 3),
                    "epoch",
                    blown.epoch(),
                    "times",
                    Texts.whole(blown.valLoss() / start),
                    "start",
                    Texts.number(start, 3))
                : Text.of(
                    "advice.A4.what.risen",
                    "loss",
                    Texts.number(risen, 3),
                    "times",
                    Texts.whole(risen / lowest),
                    "step",
                    risenAt);
    Text explanation = Text.of("advice.A4.explanation", "what", what);
    return Optional.of(
        new Suggestion(
            id(),
            List.of("T2", "T6", "T18"),
            "high",
            Text.of("advice.A4.title"),
            explanation,
            badStep > 0
                ? Map.of("nonFiniteAtReport", badStep)
                : blown != null
                    ? Map.of("valLoss", blown.valLoss(), "startLoss", start, "epoch", blown.epoch())
                    : Map.of("risenTo", risen, "lowest", lowest, "atReport", risenAt),
            patch.build()));
  }

  /**
   * The first epoch whose validation loss is not finite or above divergenceFactor x the first
   * step's loss.
   */
  private static EpochPoint blownValidation(RunHistory h, Thresholds t) {
    if (h.stepLosses().isEmpty() || !Double.isFinite(h.stepLosses().get(0))) {
      return null;
    }
    double start = h.stepLosses().get(0);
    for (EpochPoint e : h.epochs()) {
      if (!Double.isFinite(e.valLoss()) || e.valLoss() > t.divergenceFactor() * start) {
        return e;
      }
    }
    return null;
  }
}
