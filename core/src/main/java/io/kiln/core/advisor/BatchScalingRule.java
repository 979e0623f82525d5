package io.kiln.core.advisor;

import io.kiln.core.i18n.Text;
import io.kiln.core.i18n.Texts;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A8: the batch size differs from the preset's but the learning rate was left as it was. */
final class BatchScalingRule implements Rule {
  /** Updates per epoch below which a batch is too large for the dataset. */
  static final int MIN_STEPS = 10;

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
    boolean linear = "linear".equals(r.lrScaling());
    // On a small dataset a large batch leaves too few updates per epoch for any rate to work
    // (bench/advice-efficacy: 4 steps an epoch, scaling the rate made it worse): go back to the
    // reference batch instead (when that one gives enough updates), whatever the rate. The
    // autopilot's climb from a diverged large batch showed it: A4 lowered the rate, and nothing
    // else
    // fixed the 3 updates an epoch, so this no longer waits for an unchanged rate.
    long steps = c.trainImages() / Math.max(1, r.batchSize());
    boolean fewSteps =
        steps < MIN_STEPS
            && ref.batchSize() < r.batchSize()
            && c.trainImages() / Math.max(1, ref.batchSize()) >= MIN_STEPS;
    if (r.batchSize() == ref.batchSize() || (!fewSteps && (!sameRate || linear))) {
      return Optional.empty();
    }
    double factor = r.batchSize() / (double) ref.batchSize();
    Patch patch = new Patch(r);
    if (!fewSteps) {
      patch.scaleLearningRate(factor);
    } else {
      patch.set("batchSize", (long) ref.batchSize());
      if (!sameRate && !linear) {
        // The person's rate per image is kept: the same rate on a smaller batch would be larger.
        patch.scaleLearningRate(1 / factor);
      }
    }
    if (!fewSteps && r.batchSize() >= 512 && r.warmupEpochs() == 0) {
      patch.set("warmupEpochs", Math.min(5.0, Math.max(1.0, r.fullEpochs() / 4.0)));
    }
    Text explanation =
        fewSteps
            ? Text.of(
                "advice.A8.explanation.fewSteps",
                "batch",
                r.batchSize(),
                "reference",
                ref.batchSize(),
                "steps",
                steps,
                "images",
                c.trainImages())
            : Text.of(
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
