package io.kiln.core.advisor;

import io.kiln.core.i18n.Text;
import io.kiln.core.i18n.Texts;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A8: the batch size differs from the preset's but the learning rate was left as it was. */
final class BatchScalingRule implements Rule {
  @Override
  public String id() {
    return "A8";
  }

  @Override
  public Optional<Suggestion> evaluate(RunHistory h, RunContext c, Thresholds t) {
    var r = c.recipe();
    var ref = c.reference();
    boolean sameRate =
        Math.abs(r.effectiveLearningRate() - ref.effectiveLearningRate())
            < 1e-12 + 1e-9 * ref.effectiveLearningRate();
    if (r.batchSize() == ref.batchSize() || !sameRate || "linear".equals(r.lrScaling())) {
      return Optional.empty();
    }
    double factor = r.batchSize() / (double) ref.batchSize();
    Patch patch = new Patch(r).scaleLearningRate(factor);
    if (r.batchSize() >= 512 && r.warmupEpochs() == 0) {
      patch.set("warmupEpochs", Math.min(5.0, r.fullEpochs() / 2.0));
    }
    Text explanation =
        Text.of(
            r.batchSize() >= 512 ? "advice.A8.explanation.large" : "advice.A8.explanation",
            "batch",
            r.batchSize(),
            "reference",
            ref.batchSize(),
            "rate",
            r.learningRate(),
            "factor",
            Texts.number(factor, 3));
    return Optional.of(
        new Suggestion(
            id(),
            List.of("T8", "T6"),
            "low",
            Text.of("advice.A8.title"),
            explanation,
            Map.of(
                "batchSize",
                r.batchSize(),
                "referenceBatchSize",
                ref.batchSize(),
                "learningRate",
                r.learningRate()),
            patch.build()));
  }
}
