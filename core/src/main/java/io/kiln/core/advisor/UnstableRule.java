package io.kiln.core.advisor;

import io.kiln.core.i18n.Text;
import io.kiln.core.i18n.Texts;
import java.util.List;
import java.util.Optional;

/** A7: validation accuracy swings up and down strongly from epoch to epoch. */
final class UnstableRule implements Rule {
  @Override
  public String id() {
    return "A7";
  }

  @Override
  public Optional<Suggestion> evaluate(RunHistory h, RunContext c, Thresholds t) {
    int n = t.minEpochs() + 1;
    if (h.epochCount() < n) {
      return Optional.empty();
    }
    int signChanges = 0;
    double swing = 0;
    double previousDelta = 0;
    for (int i = n - 2; i >= 0; i--) {
      double delta = h.fromEnd(i).valAccuracy() - h.fromEnd(i + 1).valAccuracy();
      swing += Math.abs(delta);
      if (previousDelta != 0 && Math.signum(delta) != Math.signum(previousDelta)) {
        signChanges++;
      }
      previousDelta = delta;
    }
    swing /= n - 1;
    // Two measures of the same accuracy on v images differ by chance by up to this much (T16): a
    // swing of 4 images in 90 is noise, one of 40 in 1,000 is not.
    double mean = 0;
    for (int i = 0; i < n; i++) {
      mean += h.fromEnd(i).valAccuracy() / n;
    }
    int v = c.validationImages();
    double noise = Noise.differenceHalfWidth(mean, v, mean, v);
    if (signChanges < 2 || swing < Math.max(t.oscillation(), noise)) {
      return Optional.empty();
    }
    var r = c.recipe();
    Patch patch = new Patch(r).scaleLearningRate(0.5);
    if (("sgd".equals(r.optimizer()) || "rmsprop".equals(r.optimizer())) && r.momentum() < 0.9) {
      patch.set("momentum", 0.9);
    }
    Text explanation = Text.of("advice.A7.explanation", "swing", Texts.fixed(swing * 100, 1));
    return Optional.of(
        new Suggestion(
            id(),
            List.of("T2", "T8", "T16"),
            "medium",
            Text.of("advice.A7.title"),
            explanation,
            Evidence.empty()
                .put("meanSwing", swing)
                .put("swingNoise", noise)
                .put("directionChanges", signChanges)
                .put("epochs", n)
                .validation(mean, c)
                .build(),
            patch.build()));
  }
}
