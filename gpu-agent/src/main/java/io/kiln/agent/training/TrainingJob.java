package io.kiln.agent.training;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import io.kiln.agent.training.data.Augmenter;
import io.kiln.agent.training.data.BatchPipeline;
import io.kiln.agent.training.data.EpochPlan;
import io.kiln.agent.training.data.Mixer;
import io.kiln.agent.training.net.Architectures;
import io.kiln.agent.training.net.KilnNet;
import io.kiln.agent.training.net.TorchvisionWeights;
import io.kiln.agent.training.optim.KilnOptimizer;
import io.kiln.core.data.StratifiedSplit;
import io.kiln.core.labels.CrossFit;
import io.kiln.core.pretrained.PretrainedCatalogue;
import io.kiln.core.pretrained.StateDict;
import io.kiln.core.pretrained.TorchvisionLayout;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.training.MetricWatch;
import io.kiln.core.training.PlateauReducer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Trains one model from a recipe on images already in memory, with every trick the recipe turns on,
 * writing curves to a {@link MetricSink} and checking for cancellation before every batch.
 *
 * <p>Stages: optional head-only epochs on pretrained features (T13, T14), then all layers on the
 * recipe's schedule (T3-T7). After every epoch: plateau and early-stopping decisions (T7, T15) and
 * a checkpoint from which {@link #withCheckpoints} resumes exactly. At the end the best epoch is
 * restored if asked, evaluated per class, and packed as a model archive.
 */
public final class TrainingJob {
  private final Recipe recipe;
  private final LabelledImages images;
  private final MetricSink sink;
  private final BooleanSupplier cancelled;
  private final int stepReportInterval;
  private Path checkpointDir;
  private Path initialWeights;
  private Path featureCache;
  private CrossFit.Fold heldOutFold;

  public TrainingJob(
      Recipe recipe,
      LabelledImages images,
      MetricSink sink,
      BooleanSupplier cancelled,
      int stepReportInterval) {
    this.recipe = recipe;
    this.images = images;
    this.sink = sink;
    this.cancelled = cancelled;
    this.stepReportInterval = Math.max(1, stepReportInterval);
  }

  /**
   * Checkpoints every epoch into {@code dir} and resumes from a matching checkpoint found there.
   */
  public TrainingJob withCheckpoints(Path dir) {
    this.checkpointDir = dir;
    return this;
  }

  /**
   * Starts from pretrained weights (T13): a torchvision state dict (starting weights "pretrained"),
   * the features of a finished run's model archive, or, for architecture "backbone", the uploaded
   * TorchScript backbone file.
   */
  public TrainingJob withInitialWeights(Path file) {
    this.initialWeights = file;
    return this;
  }

  /**
   * Keeps the stored features of the head-only stage (T14) in this file between runs; the caller
   * names it by everything they depend on (dataset, weights, size, normalization).
   */
  public TrainingJob withFeatureCache(Path file) {
    this.featureCache = file;
    return this;
  }

  /**
   * Trains a fold of a label check: on the other folds of all the dataset's images, validated on
   * this one, whose images' probabilities the evaluation reports.
   */
  public TrainingJob withHeldOutFold(CrossFit.Fold fold) {
    this.heldOutFold = fold;
    return this;
  }

  /** The channels the network takes: colour for ImageNet weights, whatever the images are. */
  public static int minChannels(Recipe recipe) {
    return "pretrained".equals(recipe.initialWeights()) ? PretrainedCatalogue.CHANNELS : 1;
  }

  /** Trains, then writes the model archive into {@code outputDir}. */
  public TrainingResult run(Path outputDir) throws IOException {
    Device[] devices = Devices.trainingDevices();
    Engine.getInstance().setRandomSeed((int) recipe.seed());
    StratifiedSplit.ThreeWay split = checkedSplits();
    int classes = images.classNames().size();
    Normalization normalization = Normalization.forRecipe(recipe, images, split.train());
    Shape imageShape = new Shape(images.channels(), images.size(), images.size());
    int stepsPerEpoch =
        EpochPlan.stepsPerEpoch(
            EpochPlan.epochSize(split.train(), images.labels(), classes, recipe.balanceClasses()),
            recipe.batchSize());
    int threads = Devices.augmentationThreads(devices[0].isGpu());
    ExecutorService workers =
        threads == 0 ? null : Executors.newFixedThreadPool(threads, daemon("kiln-augment"));
    boolean onBackbone = "backbone".equals(recipe.architecture());
    if (onBackbone && initialWeights == null) {
      throw new IllegalArgumentException(
          "architecture 'backbone' needs the backbone file (withInitialWeights)");
    }
    Backbones backbones = onBackbone ? new Backbones(initialWeights, devices[0]) : null;
    Supplier<KilnNet> freshNet =
        onBackbone
            ? () -> backbones.build(classes, images.channels(), images.size())
            : () -> Architectures.build(recipe.architecture(), classes, images.size());
    Model model = Model.newInstance("kiln", devices[0]);
    try (model;
        NDManager manager = NDManager.newBaseManager(devices[0])) {
      KilnNet net = freshNet.get();
      net.configure(recipe);
      model.setBlock(net);
      KilnOptimizer optimizer = new KilnOptimizer(recipe);
      try (Trainer trainer = model.newTrainer(trainingConfig(optimizer, devices));
          DeviceStaging staging =
              new DeviceStaging(
                  trainer.getManager(),
                  // Several devices: a step splits the batch from the host.
                  devices.length == 1 ? devices[0] : Device.cpu(),
                  imageShape,
                  classes,
                  devices[0].isGpu())) {
        trainer.initialize(new Shape(1).addAll(imageShape));
        if (initialWeights != null && !onBackbone) {
          if ("pretrained".equals(recipe.initialWeights())) {
            loadPretrained(net, manager);
          } else {
            InitialWeights.load(net, initialWeights, recipe, images, manager);
          }
        }
        MemoryBudget.checkDevice(
            net.getParameters().values().stream().mapToLong(p -> p.getArray().size()).sum(),
            MemoryBudget.activationFloats(net, new Shape(1).addAll(imageShape)),
            recipe.batchSize(),
            MemoryBudget.deviceMemory(devices[0]),
            devices[0].toString());
        Checkpoint checkpoint =
            checkpointDir == null ? null : new Checkpoint(checkpointDir, identity(), freshNet::get);
        Progress progress = startOrResume(checkpoint, net, optimizer, manager, devices[0]);
        sink.started(Devices.describe(devices), recipe.epochs(), stepsPerEpoch);
        TrainingStages stages =
            new TrainingStages(
                recipe,
                images,
                sink,
                net,
                optimizer,
                checkpoint,
                split,
                classes,
                epochLoop(trainer, optimizer, net, devices, classes, staging),
                new BatchPipeline(
                    images,
                    new Augmenter(recipe, normalization, true),
                    new Mixer(recipe, classes),
                    workers,
                    4,
                    recipe.seed()),
                new BatchPipeline(
                    images,
                    new Augmenter(recipe, normalization, false),
                    new Mixer(recipe, classes),
                    workers,
                    4,
                    recipe.seed()),
                stepsPerEpoch,
                storedFeatures(net, normalization, trainer, optimizer, devices, classes),
                manager,
                devices[0]);
        if (heldOutFold != null) {
          stages.reportHeldOut();
        }
        String stopReason = null;
        while (progress.epoch() < recipe.epochs() && stopReason == null) {
          TrainingStages.EpochOutcome outcome = stages.epoch(progress);
          progress = outcome.progress();
          stopReason = outcome.stopReason();
        }
        Evaluation evaluation = stages.finish(progress, stopReason, manager);
        Path archive = ModelArchive.write(model, net, outputDir, recipe, images, normalization);
        return new TrainingResult(
            archive,
            progress.bestValAccuracy(),
            progress.lastValAccuracy(),
            progress.imagesPerSecond(),
            Devices.describe(devices),
            evaluation,
            stopReason,
            progress.epoch());
      }
    } finally {
      if (workers != null) {
        workers.shutdownNow();
      }
      if (backbones != null) {
        backbones.close();
      }
    }
  }

  /** ImageNet (or imported) weights in torchvision's layout, without their classifier (T13). */
  private void loadPretrained(KilnNet net, NDManager manager) {
    try (StateDict dict = StateDict.open(initialWeights)) {
      TorchvisionLayout.Fit fit = TorchvisionLayout.fit(dict.shapes());
      if (!fit.fits()) {
        throw new IOException(fit.problem());
      }
      if (!fit.architecture().equals(recipe.architecture())) {
        throw new IOException(
            "they are weights for "
                + fit.architecture()
                + " and this recipe trains a "
                + recipe.architecture());
      }
      TorchvisionWeights.load(net, recipe.architecture(), dict, false, manager);
    } catch (IOException e) {
      throw new StartingWeightsException(
          "pretrainedWeights",
          "the pretrained weights "
              + recipe.pretrainedWeights()
              + " do not fit: "
              + e.getMessage());
    }
  }

  /** The head-only stage on stored features, where the recipe asks for it (T14). */
  private StoredFeatures storedFeatures(
      KilnNet net,
      Normalization normalization,
      Trainer trainer,
      KilnOptimizer optimizer,
      Device[] devices,
      int classes) {
    if (!recipe.storedFeatures() || recipe.headOnlyEpochs() == 0 || initialWeights == null) {
      return null;
    }
    return new StoredFeatures(
        net,
        images,
        normalization,
        recipe,
        featureCache,
        cancelled,
        shape ->
            epochLoop(
                trainer,
                optimizer,
                net,
                devices,
                classes,
                new DeviceStaging(
                    trainer.getManager(),
                    devices.length == 1 ? devices[0] : Device.cpu(),
                    shape,
                    classes,
                    false)));
  }

  /** The epoch mechanics over batches staged by {@code staging} (images, or stored features). */
  private EpochLoop epochLoop(
      Trainer trainer,
      KilnOptimizer optimizer,
      KilnNet net,
      Device[] devices,
      int classes,
      DeviceStaging staging) {
    return new EpochLoop(
        trainer,
        optimizer,
        List.copyOf(net.getParameters().values()),
        devices,
        sink,
        cancelled,
        stepReportInterval,
        recipe.gradientClipNorm(),
        classes,
        staging);
  }

  private static DefaultTrainingConfig trainingConfig(KilnOptimizer optimizer, Device[] devices) {
    return new DefaultTrainingConfig(new SoftTargetLoss())
        .optOptimizer(optimizer)
        .optDevices(devices)
        // He initialization for ReLU nets (T18).
        .optInitializer(
            new XavierInitializer(
                XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.IN, 2),
            Parameter.Type.WEIGHT);
  }

  /** Progress from a matching checkpoint (resume exactly), else the start of training. */
  private Progress startOrResume(
      Checkpoint checkpoint, KilnNet net, KilnOptimizer optimizer, NDManager manager, Device device)
      throws IOException {
    Progress resumed =
        checkpoint == null ? null : checkpoint.resume(net, optimizer, manager, device).orElse(null);
    return resumed != null
        ? resumed
        : new Progress(
            0,
            0,
            PlateauReducer.start(recipe),
            MetricWatch.start(
                MetricWatch.higherIsBetterFor(recipe.earlyStoppingMetric()),
                recipe.earlyStoppingMinDelta()),
            0,
            0,
            0,
            0);
  }

  private StratifiedSplit.ThreeWay checkedSplits() {
    StratifiedSplit.ThreeWay split = splits();
    if (split.train().length == 0 || split.validation().length == 0) {
      throw new IllegalArgumentException("the dataset is too small to hold out a validation split");
    }
    return split;
  }

  /**
   * A label check's fold; else the dataset's own splits (T16), or a stratified validation share for
   * a dataset without them.
   */
  private StratifiedSplit.ThreeWay splits() {
    if (heldOutFold != null) {
      CrossFit.Split fold = CrossFit.split(images.labels(), heldOutFold);
      return new StratifiedSplit.ThreeWay(fold.train(), fold.heldOut(), new int[0]);
    }
    if (images.hasSplits()) {
      return new StratifiedSplit.ThreeWay(
          images.indicesOf(LabelledImages.TRAIN),
          images.indicesOf(LabelledImages.VALIDATION),
          images.indicesOf(LabelledImages.TEST));
    }
    StratifiedSplit.Split split =
        StratifiedSplit.of(images.labels(), recipe.validationFraction(), recipe.seed());
    return new StratifiedSplit.ThreeWay(split.train(), split.validation(), new int[0]);
  }

  /** What a checkpoint must match to be resumed: same recipe, same classes, same images. */
  private Map<String, Object> identity() {
    Map<String, Object> identity = new LinkedHashMap<>();
    identity.put("recipe", recipe.toMap());
    identity.put("classes", images.classNames());
    identity.put("images", images.count());
    identity.put("shape", List.of(images.channels(), images.size()));
    return identity;
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }
}
