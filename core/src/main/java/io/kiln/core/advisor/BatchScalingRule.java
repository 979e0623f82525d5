package io.kiln.core.advisor;

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
    String explanation =
        String.format(
            "The batch size is %d instead of %d, but the learning rate stayed %s."
                + " The learning rate should grow with the batch (linear scaling rule, T8: x%.3g)%s.",
            r.batchSize(),
            ref.batchSize(),
            r.learningRate(),
            factor,
            r.batchSize() >= 512 ? ", with warmup for a large batch (T6)" : "");
    return Optional.of(
        new Suggestion(
            id(),
            List.of("T8", "T6"),
            "low",
            "Learning rate not scaled to the batch",
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
