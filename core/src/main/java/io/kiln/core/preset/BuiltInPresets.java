package io.kiln.core.preset;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The presets every Kiln has; each encodes documented tricks and cites them. */
public final class BuiltInPresets {
  public static final List<Preset> ALL = List.of(
      new Preset("quick-look", "Quick look",
          "Adam with a fixed learning rate for 3 epochs on the small CNN: a first answer to 'can this be learned?'",
          "first contact with a new dataset, or checking that labels make sense before a long run (T20)",
          "minutes; ends a few points below Balanced, because adaptive optimizers converge fast but end lower (T1)",
          "fast", List.of("T1", "T20", "T19"),
          Map.of("architecture", "small-cnn", "optimizer", "adam", "learningRate", 0.001, "lrScaling", "none",
              "schedule", "constant", "epochs", 3L, "batchSize", 64L, "weightDecay", 0.0),
          true),
      new Preset("balanced", "Balanced",
          "SGD with Nesterov momentum 0.9, 0.1 per 256 images, one warmup epoch then cosine decay, flips, weight"
              + " decay 1e-4 and early stopping that keeps the best epoch",
          "most datasets, when you want a good model without a long wait",
          "about 10 epochs of the small CNN: a few minutes per 10,000 images on a CPU",
          "fast", List.of("T1", "T2", "T4", "T6", "T8", "T9", "T12", "T15"),
          Map.ofEntries(Map.entry("architecture", "small-cnn"), Map.entry("optimizer", "sgd"),
              Map.entry("momentum", 0.9), Map.entry("nesterov", true), Map.entry("learningRate", 0.1),
              Map.entry("lrScaling", "linear"), Map.entry("batchSize", 64L), Map.entry("epochs", 10L),
              Map.entry("schedule", "cosine"), Map.entry("warmupEpochs", 1.0), Map.entry("minLearningRate", 1e-4),
              Map.entry("weightDecay", 1e-4), Map.entry("horizontalFlip", true), Map.entry("earlyStopping", true),
              Map.entry("earlyStoppingPatience", 4L), Map.entry("restoreBest", true)),
          true),
      new Preset("best-accuracy", "Best accuracy",
          "ResNet-18, SGD momentum 0.9 at 0.1 per 256 images, 5 warmup epochs then cosine to a floor, random"
              + " resized crops, flips and CutMix, weight decay 1e-4, early stopping on the best epoch",
          "when accuracy matters more than time, and the dataset has thousands of images",
          "the slowest: a larger network for 30 epochs, roughly 10x Balanced's time; a GPU agent helps",
          "accuracy", List.of("T1", "T2", "T4", "T6", "T8", "T9", "T10", "T12", "T15", "T19"),
          Map.ofEntries(Map.entry("architecture", "resnet-18"), Map.entry("optimizer", "sgd"),
              Map.entry("momentum", 0.9), Map.entry("nesterov", true), Map.entry("learningRate", 0.1),
              Map.entry("lrScaling", "linear"), Map.entry("batchSize", 128L), Map.entry("epochs", 30L),
              Map.entry("schedule", "cosine"), Map.entry("warmupEpochs", 5.0), Map.entry("minLearningRate", 1e-4),
              Map.entry("weightDecay", 1e-4), Map.entry("labelSmoothing", 0.0), Map.entry("randomResizedCrop", true),
              Map.entry("cropScaleMin", 0.35), Map.entry("horizontalFlip", true), Map.entry("cutmixAlpha", 1.0),
              Map.entry("cutmixProbability", 0.5), Map.entry("earlyStopping", true),
              Map.entry("earlyStoppingPatience", 6L), Map.entry("restoreBest", true)),
          true),
      new Preset("small-data", "Small dataset fine-tune",
          "Starts from pretrained weights (an uploaded backbone or an earlier run): 3 epochs train only the new"
              + " classifier, then all layers at 0.001 per 256 images so the pretrained weights are not destroyed",
          "fewer than about 1,000 images, and a pretrained network to start from (T13)",
          "short runs, but needs a backbone or a finished run; a random start on so little data overfits",
          "small-data", List.of("T13", "T14", "T8", "T9", "T12", "T15"),
          Map.ofEntries(Map.entry("architecture", "backbone"), Map.entry("initialWeights", "backbone"),
              Map.entry("optimizer", "sgd"), Map.entry("momentum", 0.9), Map.entry("learningRate", 0.001),
              Map.entry("lrScaling", "linear"), Map.entry("batchSize", 32L), Map.entry("epochs", 20L),
              Map.entry("headOnlyEpochs", 3L), Map.entry("headLearningRate", 0.01), Map.entry("schedule", "cosine"),
              Map.entry("minLearningRate", 1e-5), Map.entry("weightDecay", 5e-4), Map.entry("horizontalFlip", true),
              Map.entry("randomResizedCrop", true), Map.entry("cropScaleMin", 0.5), Map.entry("earlyStopping", true),
              Map.entry("earlyStoppingPatience", 5L), Map.entry("restoreBest", true)),
          true),
      new Preset("large-data", "Large dataset",
          "SGD momentum 0.9 with a larger rate (0.2 per 256 images) and batch 256, 2 warmup epochs then cosine,"
              + " weight decay 5e-5, flips and crops",
          "more than about 100,000 images: plenty of data supports a larger learning rate and less regularization",
          "long epochs; each one sees the whole dataset, so fewer of them (15)",
          "accuracy", List.of("T1", "T2", "T6", "T8", "T9", "T13", "T12"),
          Map.ofEntries(Map.entry("architecture", "resnet-18"), Map.entry("optimizer", "sgd"),
              Map.entry("momentum", 0.9), Map.entry("nesterov", true), Map.entry("learningRate", 0.2),
              Map.entry("lrScaling", "linear"), Map.entry("batchSize", 256L), Map.entry("epochs", 15L),
              Map.entry("schedule", "cosine"), Map.entry("warmupEpochs", 2.0), Map.entry("minLearningRate", 2e-4),
              Map.entry("weightDecay", 5e-5), Map.entry("horizontalFlip", true), Map.entry("randomResizedCrop", true),
              Map.entry("cropScaleMin", 0.25)),
          true),
      new Preset("small-model", "Small model",
          "MobileNet (depthwise separable, x0.5) with weaker augmentation: crops keep at least 20% of the image,"
              + " a narrow stretch range, weight decay 4e-5, no label smoothing and no CutMix or mixup",
          "a model that must be small and fast at prediction time (phones, edge devices)",
          "a few points below a ResNet; strong augmentation or heavy regularization would make it underfit",
          "fast", List.of("T9", "T10", "T11", "T19", "T1", "T4"),
          Map.ofEntries(Map.entry("architecture", "mobilenet"), Map.entry("optimizer", "sgd"),
              Map.entry("momentum", 0.9), Map.entry("learningRate", 0.1), Map.entry("lrScaling", "linear"),
              Map.entry("batchSize", 64L), Map.entry("epochs", 15L), Map.entry("schedule", "cosine"),
              Map.entry("warmupEpochs", 1.0), Map.entry("minLearningRate", 1e-4), Map.entry("weightDecay", 4e-5),
              Map.entry("labelSmoothing", 0.0), Map.entry("randomResizedCrop", true), Map.entry("cropScaleMin", 0.2),
              Map.entry("cropRatioMin", 0.9), Map.entry("cropRatioMax", 1.1), Map.entry("horizontalFlip", true),
              Map.entry("cutmixProbability", 0.0), Map.entry("mixupProbability", 0.0)),
          true));

  private BuiltInPresets() {}

  public static Optional<Preset> find(String id) {
    return ALL.stream().filter(p -> p.id().equals(id)).findFirst();
  }
}
