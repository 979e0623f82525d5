package io.kiln.core.advisor;

import io.kiln.core.i18n.Text;
import io.kiln.core.i18n.Texts;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A9: a small dataset fine-tuned from pretrained weights with a large learning rate. */
final class FineTuneRateRule implements Rule {
  @Override
  public String id() {
    return "A9";
  }

  @Override
  public Optional<Suggestion> evaluate(RunHistory h, RunContext c, Thresholds t) {
    var r = c.recipe();
    double safe = t.fineTuneRate() * r.batchSize() / 256.0;
    if (!r.usesPretrainedWeights()
        || c.trainImages() >= t.smallDataset()
        || r.effectiveLearningRate() <= 2 * safe) {
      return Optional.empty();
    }
    Patch patch = new Patch(r).scaleLearningRate(safe / r.effectiveLearningRate());
    if (r.headOnlyEpochs() == 0 && r.epochs() > 2) {
      patch.set("headOnlyEpochs", (long) Math.min(3, r.epochs() / 3));
    }
    Text explanation =
        Text.of(
            "advice.A9.explanation",
            "images",
            c.trainImages(),
            "rate",
            Texts.number(r.effectiveLearningRate(), 3));
    return Optional.of(
        new Suggestion(
            id(),
            List.of("T13", "T14"),
            "medium",
            Text.of("advice.A9.title"),
            explanation,
            Map.of(
                "trainImages",
                c.trainImages(),
                "learningRate",
                r.effectiveLearningRate(),
                "suggested",
                Patch.round(safe)),
            patch.build()));
  }
}
