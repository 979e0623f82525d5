package io.kiln.agent.training;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.kiln.agent.training.data.BatchPipeline;
import io.kiln.agent.training.data.EpochPlan;
import io.kiln.agent.training.net.KilnNet;
import io.kiln.agent.training.optim.KilnOptimizer;
import io.kiln.core.advisor.Noise;
import io.kiln.core.data.StratifiedSplit;
import io.kiln.core.metric.Metric;
import io.kiln.core.metric.MetricValues;
import io.kiln.core.protocol.MetricKind;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.training.LearningRateSchedule;
import io.kiln.core.training.MetricWatch;
import io.kiln.core.training.PlateauReducer;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The epochs of one training run, once {@link TrainingJob} has built the model, the pipelines and
 * the checkpoint: each epoch trains, validates, decides (T7, T15), checkpoints and reports; at the
 * end the best epoch is restored and the final model evaluated.
 */
final class TrainingStages {
  private final Recipe recipe;
  private final LabelledImages images;
  private final MetricSink sink;
  private final KilnNet net;
  private final KilnOptimizer optimizer;
  private final Checkpoint checkpoint;
  private final StratifiedSplit.ThreeWay split;
  private boolean reportHeldOut;
  private final int classes;
  private final EpochLoop loop;
  private final BatchPipeline trainData;
  private final BatchPipeline valData;
  private final List<int[]> valBatches;
  private final List<int[]> fitBatches;
  private final LearningRateSchedule schedule;
  private final long headSteps;
  private final StoredFeatures stored;
  private final NDManager manager;
  private final Device device;

  TrainingStages(
      Recipe recipe,
      LabelledImages images,
      MetricSink sink,
      KilnNet net,
      KilnOptimizer optimizer,
      Checkpoint checkpoint,
      StratifiedSplit.ThreeWay split,
      int classes,
      EpochLoop loop,
      BatchPipeline trainData,
      BatchPipeline valData,
      int stepsPerEpoch,
      StoredFeatures stored,
      NDManager manager,
      Device device) {
    this.recipe = recipe;
    this.images = images;
    this.sink = sink;
    this.net = net;
    this.optimizer = optimizer;
    this.checkpoint = checkpoint;
    this.split = split;
    this.classes = classes;
    this.loop = loop;
    this.trainData = trainData;
    this.valData = valData;
    this.valBatches = EpochPlan.validation(split.validation(), recipe.batchSize());
    this.fitBatches = EpochPlan.validation(fitSample(split.train()), recipe.batchSize());
    this.schedule = new LearningRateSchedule(recipe, stepsPerEpoch);
    this.headSteps = (long) recipe.headOnlyEpochs() * stepsPerEpoch;
    this.stored = stored;
    this.manager = manager;
    this.device = device;
  }

  /** Where training stands after an epoch, and why it stops early (null while it goes on). */
  record EpochOutcome(Progress progress, String stopReason) {}

  /**
   * One epoch: train (head only during the first {@code headOnlyEpochs}, T13/T14, on stored
   * features where the recipe asks), validate, let the plateau rule (T7) and early stopping (T15)
   * decide, checkpoint, and report the epoch point.
   */
  EpochOutcome epoch(Progress progress) throws IOException {
    int epoch = progress.epoch() + 1;
    boolean headOnly = epoch <= recipe.headOnlyEpochs();
    boolean onFeatures = headOnly && stored != null;
    net.freezeFeatures(headOnly);
    double featureSeconds = onFeatures ? stored.prepare(manager, device) : 0;
    net.takeStoredFeatures(onFeatures);
    EpochLoop loop = onFeatures ? stored.loop() : this.loop;
    BatchPipeline trainData = onFeatures ? stored.train() : this.trainData;
    BatchPipeline valData = onFeatures ? stored.validation() : this.valData;
    PlateauReducer plateau = progress.plateau();
    EpochLoop.TrainStats train =
        loop.train(
            epoch,
            trainData.epoch(
                EpochPlan.train(
                    split.train(),
                    images.labels(),
                    classes,
                    recipe.balanceClasses(),
                    recipe.batchSize(),
                    recipe.seed(),
                    epoch),
                epoch,
                true),
            progress.step(),
            step ->
                step < headSteps
                    ? recipe.headLearningRate()
                    : schedule.at(step - headSteps, plateau.scale()));
    EpochLoop.ValStats val =
        loop.validate(valData.epoch(valBatches, epoch, false), null, images.ids());
    net.takeStoredFeatures(false);
    MetricValues values = epochValues(train, val, optimizer.learningRate(), headOnly);
    // The fit, measured as validation is (no augmentation, no mixing, inference mode) on a fixed
    // sample of training images, so A1 and A2 compare like with like. Head epochs on stored
    // features train without augmentation: their training accuracy is already clean.
    if (!onFeatures && fitBatches.size() > 0) {
      values.put(
          Metric.FIT_ACCURACY,
          loop.validate(valData.epoch(fitBatches, epoch, false), null, images.ids()).accuracy());
    }
    if (onFeatures) {
      values.put(Metric.STORED_FEATURES, 1.0);
    }
    if (featureSeconds > 0) {
      values.put(Metric.FEATURE_SECONDS, featureSeconds);
    }
    MetricWatch best = progress.best().observe(epoch, val.of(recipe.earlyStoppingMetric()));
    PlateauReducer nextPlateau =
        "plateau".equals(recipe.schedule()) && !headOnly
            ? plateau.observe(epoch, val.of(recipe.plateauMetric()))
            : plateau;
    if (nextPlateau.scale() < plateau.scale()) {
      values.put(Metric.LR_REDUCED, nextPlateau.scale());
    }
    Progress next =
        progress.afterEpoch(
            progress.step() + train.steps(),
            nextPlateau,
            best,
            val.accuracy(),
            train.images(),
            train.nanos());
    String stopReason = null;
    if (recipe.earlyStopping() && best.badEpochs() >= recipe.earlyStoppingPatience()) {
      stopReason =
          "stopped early after epoch "
              + epoch
              + ": "
              + Metric.byKey(recipe.earlyStoppingMetric())
                  .map(Metric::label)
                  .orElse(recipe.earlyStoppingMetric())
              + " has not improved for "
              + best.badEpochs()
              + " epochs (T15)";
      values.put(Metric.EARLY_STOP, 1.0);
    }
    // A head epoch on stored features takes moments and changes only the head, while writing
    // and uploading the whole network takes seconds: the stage keeps its best head in memory and
    // checkpoints at its end (or every minute), so resuming repeats a few cheap epochs at most.
    boolean lastOfStage =
        epoch == recipe.headOnlyEpochs() || epoch == recipe.epochs() || stopReason != null;
    boolean write =
        checkpoint != null
            && (!onFeatures
                || lastOfStage
                || System.nanoTime() - lastCheckpoint > CHECKPOINT_EVERY_NANOS);
    if (best.lastWasBest(epoch)) {
      if (onFeatures) {
        bestHead = headValues();
      } else {
        // The features have trained since any head kept in memory: it no longer fits them.
        bestHead = null;
        if (checkpoint != null) {
          checkpoint.saveBest(net);
        }
      }
    }
    if (write) {
      if (bestHead != null) {
        writeBestHead();
      }
      checkpoint.save(net, optimizer, next);
      lastCheckpoint = System.nanoTime();
    }
    sink.report(MetricKind.EPOCH, epoch, next.step(), values.asMap());
    if (write) {
      sink.checkpointed(epoch, checkpoint.dir());
    }
    return new EpochOutcome(next, stopReason);
  }

  /** How often a stage of stored features checkpoints at the least. */
  static final long CHECKPOINT_EVERY_NANOS = 60_000_000_000L;

  private long lastCheckpoint = System.nanoTime();

  /** The best head of the stored-features stage, not yet written with the best parameters. */
  private float[][] bestHead;

  private float[][] headValues() {
    List<ai.djl.nn.Parameter> parameters = List.copyOf(net.head().getParameters().values());
    float[][] values = new float[parameters.size()][];
    for (int i = 0; i < values.length; i++) {
      values[i] = parameters.get(i).getArray().toFloatArray();
    }
    return values;
  }

  private void setHead(float[][] values) {
    List<ai.djl.nn.Parameter> parameters = List.copyOf(net.head().getParameters().values());
    try (NDManager scope = manager.newSubManager()) {
      for (int i = 0; i < values.length; i++) {
        ai.djl.ndarray.NDArray target = parameters.get(i).getArray();
        scope
            .create(values[i], target.getShape())
            .toDevice(target.getDevice(), false)
            .copyTo(target);
      }
    }
  }

  /** Writes the best parameters: the network with its best head, the current head put back. */
  private void writeBestHead() throws IOException {
    float[][] current = headValues();
    setHead(bestHead);
    checkpoint.saveBest(net);
    setHead(current);
    bestHead = null;
  }

  /**
   * Restores the best epoch when asked (T15), evaluates the final model and reports the evaluation.
   */
  Evaluation finish(Progress progress, String stopReason, NDManager manager) throws IOException {
    int bestEpoch = progress.best().bestEpoch();
    boolean restored = false;
    if (recipe.restoreBest() && bestEpoch != progress.epoch()) {
      // A head kept in memory fits only the features it trained on: those of the stage that
      // ended the run. Without a checkpoint, a best head of an earlier stage is not restored.
      if (bestHead != null && progress.epoch() <= recipe.headOnlyEpochs()) {
        setHead(bestHead);
        restored = true;
      } else {
        restored = checkpoint != null && checkpoint.loadBest(net, manager);
      }
    }
    // A model that ended in the head-only stage is scored on its stored features: the same
    // numbers as through the frozen network, in a fraction of the time.
    boolean onFeatures = stored != null && progress.epoch() <= recipe.headOnlyEpochs();
    if (onFeatures) {
      stored.prepare(manager, device);
    }
    net.takeStoredFeatures(onFeatures);
    Evaluation evaluation =
        onFeatures
            ? finalEvaluation(stored.loop(), stored.validation(), split.test())
            : finalEvaluation(loop, valData, split.test());
    net.takeStoredFeatures(false);
    net.freezeFeatures(false);
    Map<String, Object> report = evaluation.toMap();
    report.put("epoch", restored ? bestEpoch : progress.epoch());
    report.put("bestEpoch", bestEpoch);
    if (stopReason != null) {
      report.put("stoppedEarly", stopReason);
    }
    sink.evaluated(report);
    return evaluation;
  }

  /** The final evaluation lists each validation image's probabilities (a label check's fold). */
  void reportHeldOut() {
    this.reportHeldOut = true;
  }

  /**
   * The final model scored once on the held-out test split when there is one (T16: a lucky
   * validation spike is not quality), with its validation accuracy beside it; else on validation.
   */
  private Evaluation finalEvaluation(EpochLoop loop, BatchPipeline data, int[] test) {
    if (test.length == 0) {
      Evaluation evaluation = new Evaluation(images.classNames());
      if (reportHeldOut) {
        evaluation.keepPredictions();
      }
      loop.validate(data.epoch(valBatches, 0, false), evaluation, images.ids());
      return evaluation;
    }
    EpochLoop.ValStats val = loop.validate(data.epoch(valBatches, 0, false), null, images.ids());
    Evaluation evaluation = new Evaluation(images.classNames()).on("test");
    EpochLoop.ValStats scored =
        loop.validate(
            data.epoch(EpochPlan.validation(test, recipe.batchSize()), 0, false),
            evaluation,
            images.ids());
    return evaluation
        .with("testAccuracy", scored.accuracy())
        .with("testLoss", scored.loss())
        .with("testImages", test.length)
        .with(Metric.VAL_ACCURACY.key(), val.accuracy());
  }

  /**
   * The training images of the clean fit measure: evenly spread over the split, the same each
   * epoch.
   */
  static int[] fitSample(int[] train) {
    int n = Noise.fitSample(train.length);
    int[] sample = new int[n];
    for (int i = 0; i < n; i++) {
      sample[i] = train[(int) ((long) i * train.length / n)];
    }
    return sample;
  }

  /** The EPOCH metric point's values (names defined in core's metric/Metric). */
  private static MetricValues epochValues(
      EpochLoop.TrainStats train, EpochLoop.ValStats val, double lr, boolean headOnly) {
    double seconds = train.nanos() / 1e9;
    return MetricValues.of()
        .put(Metric.TRAIN_LOSS, train.loss())
        .put(Metric.TRAIN_ACCURACY, train.accuracy())
        .put(Metric.VAL_LOSS, val.loss())
        .put(Metric.VAL_ACCURACY, val.accuracy())
        .put(Metric.LR, lr)
        .put(Metric.SECONDS, seconds)
        .put(Metric.IMAGES_PER_SECOND, train.images() / Math.max(1e-9, seconds))
        .put(Metric.HEAD_ONLY, headOnly ? 1.0 : 0.0);
  }
}
