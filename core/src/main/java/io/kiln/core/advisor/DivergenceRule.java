package io.kiln.core.advisor;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A4: the loss became NaN or infinite, or rose sharply above the lowest it reached. */
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
    if (badStep == 0 && risenAt == 0) {
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
    String what = badStep > 0 ? "the loss became infinite or not a number at reported step " + badStep
        : String.format("the loss shot up to %.3g, %.0f times its lowest value, at reported step %d", risen,
            risen / lowest, risenAt);
    String explanation = "Training blew up: " + what + ". The learning rate is too high for this network and"
        + " data. Use a 10x lower rate, ramp it up with warmup (T6) and clip the gradients (T18).";
    return Optional.of(new Suggestion(id(), List.of("T2", "T6", "T18"), "high", "Training diverged", explanation,
        badStep > 0 ? Map.of("nonFiniteAtReport", badStep) : Map.of("risenTo", risen, "lowest", lowest,
            "atReport", risenAt), patch.build()));
  }
}
