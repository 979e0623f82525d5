package io.kiln.core.recipe;

import static io.kiln.core.recipe.RecipeField.Type.BOOLEAN;
import static io.kiln.core.recipe.RecipeField.Type.INTEGER;
import static io.kiln.core.recipe.RecipeField.Type.INTEGER_LIST;
import static io.kiln.core.recipe.RecipeField.Type.NUMBER;
import static io.kiln.core.recipe.RecipeField.Type.TEXT;

import io.kiln.core.metric.Metric;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The catalogue of every recipe field, in form order. Defaults follow docs/training-tricks.md: SGD
 * with momentum 0.9 (T1, T2), cosine decay with a floor (T4), weight decay 1e-4 (T9), every
 * augmentation off so a first run is fast (T20), and a held-out validation split (T16).
 */
public final class RecipeFields {
  private static final String MODEL = "Model";
  private static final String OPTIMIZER = "Optimizer";
  private static final String SCHEDULE = "Learning-rate schedule";
  private static final String REGULARIZATION = "Regularization";
  private static final String AUGMENTATION = "Augmentation";
  private static final String DATA = "Data";
  private static final String STOPPING = "Early stopping";
  private static final String FINE_TUNE = "Starting weights and fine-tuning";

  public static final List<RecipeField> ALL =
      List.of(
          // Model
          RecipeField.of("architecture", TEXT, "small-cnn")
              .in(MODEL, false)
              .text(
                  "Network",
                  "small-cnn trains fast on a CPU; ResNet-18/34/50 are stronger and slower; mobilenet is small"
                      + " and cheap (depthwise separable convolutions); mobilenet-v2 is torchvision's MobileNetV2,"
                      + " sized for CPUs and phones; backbone is an uploaded TorchScript network (with"
                      + " starting weights 'backbone'). Start with the smallest net that can work.",
                  "T19",
                  "T20")
              .choices(
                  "small-cnn",
                  "mobilenet",
                  "mobilenet-v2",
                  "resnet-18",
                  "resnet-34",
                  "resnet-50",
                  "backbone")
              .build(),
          RecipeField.of("inputSize", INTEGER, 28L)
              .in(MODEL, false)
              .text(
                  "Image size (pixels)",
                  "Every image is resized to this square size, the model's input shape.",
                  "T17")
              .range(8, 1024)
              .build(),
          // Optimizer
          RecipeField.of("optimizer", TEXT, "sgd")
              .in(OPTIMIZER, false)
              .text(
                  "Optimizer",
                  "SGD with momentum usually ends most accurate but needs a good learning rate; adam, adamw,"
                      + " rmsprop and nadam converge faster and end slightly lower.",
                  "T1")
              .choices("sgd", "adam", "adamw", "rmsprop", "nadam")
              .build(),
          RecipeField.of("learningRate", NUMBER, 0.05)
              .in(OPTIMIZER, false)
              .text(
                  "Learning rate",
                  "Step size of each update. With learning-rate scaling 'linear' this is the rate per"
                      + " 256 images and the real rate is scaled by batch size / 256.",
                  "T2",
                  "T8")
              .range(1e-7, 10)
              .build(),
          RecipeField.of("lrScaling", TEXT, "none")
              .in(OPTIMIZER, true)
              .text(
                  "Learning-rate scaling",
                  "'linear' applies the linear scaling rule: the learning rate above is quoted"
                      + " per 256 images and multiplied by batch size / 256 (0.1 per 256 is typical).",
                  "T8")
              .choices("none", "linear")
              .build(),
          RecipeField.of("momentum", NUMBER, 0.9)
              .in(OPTIMIZER, true)
              .text(
                  "Momentum",
                  "SGD and RMSProp momentum; a large learning rate is stable with a large momentum such as 0.9.",
                  "T1",
                  "T2")
              .range(0, 0.999)
              .build(),
          RecipeField.of("nesterov", BOOLEAN, false)
              .in(OPTIMIZER, true)
              .text(
                  "Nesterov momentum",
                  "SGD only: look-ahead momentum, often slightly faster to converge.",
                  "T1")
              .build(),
          RecipeField.of("beta1", NUMBER, 0.9)
              .in(OPTIMIZER, true)
              .text(
                  "Beta 1", "Adam, AdamW and Nadam: decay of the running mean of gradients.", "T1")
              .range(0, 0.999)
              .build(),
          RecipeField.of("beta2", NUMBER, 0.999)
              .in(OPTIMIZER, true)
              .text(
                  "Beta 2",
                  "Adam, AdamW, Nadam (squared-gradient average) and RMSProp (its rho).",
                  "T1")
              .range(0, 0.99999)
              .build(),
          RecipeField.of("epsilon", NUMBER, 1e-8)
              .in(OPTIMIZER, true)
              .text(
                  "Epsilon",
                  "Adaptive optimizers: added to the denominator for numerical stability.",
                  "T1")
              .range(1e-12, 1)
              .build(),
          RecipeField.of("batchSize", INTEGER, 64L)
              .in(OPTIMIZER, false)
              .text(
                  "Batch size",
                  "Images per update. Powers of two are usual; larger batches want a larger learning rate"
                      + " (linear scaling) and warmup.",
                  "T8",
                  "T6")
              .range(1, 4096)
              .build(),
          RecipeField.of("gradientClipNorm", NUMBER, 0.0)
              .in(OPTIMIZER, true)
              .text(
                  "Gradient clipping (global norm)",
                  "If above 0, gradients are rescaled so their global L2 norm is at most"
                      + " this value; protects against exploding gradients.",
                  "T18")
              .range(0, 1e6)
              .build(),
          // Schedule
          RecipeField.of("epochs", INTEGER, 5L)
              .in(SCHEDULE, false)
              .text(
                  "Epochs",
                  "Passes over the training images; the schedule always spans exactly this length.",
                  "T17",
                  "T4")
              .range(1, 1000)
              .build(),
          RecipeField.of("schedule", TEXT, "cosine")
              .in(SCHEDULE, false)
              .text(
                  "Schedule",
                  "How the learning rate changes: cosine (robust, no extra settings), piecewise (divide at"
                      + " milestones), polynomial, exponential, plateau (reduce when validation stops improving) or constant.",
                  "T3",
                  "T4",
                  "T5",
                  "T7")
              .choices("constant", "piecewise", "cosine", "polynomial", "exponential", "plateau")
              .build(),
          RecipeField.of("warmupEpochs", NUMBER, 0.0)
              .in(SCHEDULE, true)
              .text(
                  "Warmup epochs",
                  "Ramp the learning rate linearly from 0 over this many epochs first; helps at large"
                      + " batch sizes (MobileNetV3 uses 5).",
                  "T6")
              .range(0, 1000)
              .build(),
          RecipeField.of("minLearningRate", NUMBER, 5e-4)
              .in(SCHEDULE, true)
              .text(
                  "Minimum learning rate",
                  "Floor for cosine, polynomial, exponential and plateau schedules; keep it within"
                      + " a few orders of magnitude of the learning rate so training does not stall.",
                  "T4",
                  "T7")
              .range(0, 10)
              .build(),
          RecipeField.of("milestones", INTEGER_LIST, List.of())
              .in(SCHEDULE, true)
              .text(
                  "Milestones (epochs)",
                  "Piecewise: epochs at which the learning rate is multiplied by the decay factor,"
                      + " e.g. 30, 60, 90 for 120 epochs.",
                  "T3")
              .range(1, 1000)
              .build(),
          RecipeField.of("decayFactor", NUMBER, 0.1)
              .in(SCHEDULE, true)
              .text(
                  "Decay factor",
                  "Piecewise: multiply the rate by this at each milestone. Plateau: multiply by this after"
                      + " 'patience' epochs without improvement.",
                  "T3",
                  "T7")
              .range(1e-4, 0.99)
              .build(),
          RecipeField.of("polynomialPower", NUMBER, 2.0)
              .in(SCHEDULE, true)
              .text(
                  "Polynomial power",
                  "Polynomial: the rate falls as (1 - progress)^power down to the minimum.",
                  "T5")
              .range(0.1, 10)
              .build(),
          RecipeField.of("exponentialRate", NUMBER, 0.9)
              .in(SCHEDULE, true)
              .text(
                  "Exponential rate per epoch",
                  "Exponential: the rate is multiplied by this every epoch.",
                  "T5")
              .range(0.01, 0.9999)
              .build(),
          RecipeField.of("plateauMetric", TEXT, Metric.VAL_ACCURACY.key())
              .in(SCHEDULE, true)
              .text(
                  "Plateau metric", "Plateau: the validation metric watched for improvement.", "T7")
              .choices(Metric.VAL_ACCURACY.key(), Metric.VAL_LOSS.key())
              .build(),
          RecipeField.of("plateauMode", TEXT, "max")
              .in(SCHEDULE, true)
              .text(
                  "Plateau mode",
                  "max for accuracy, min for loss; the wrong mode decays the rate far too early.",
                  "T7")
              .choices("max", "min")
              .build(),
          RecipeField.of("plateauPatience", INTEGER, 3L)
              .in(SCHEDULE, true)
              .text(
                  "Plateau patience",
                  "Epochs without improvement before the rate is reduced.",
                  "T7")
              .range(1, 100)
              .build(),
          // Regularization
          RecipeField.of("weightDecay", NUMBER, 1e-4)
              .in(REGULARIZATION, false)
              .text(
                  "Weight decay",
                  "L2 regularization against overfitting: 1e-4 for most nets, 1e-5 to 4e-5 for small"
                      + " ones; too large and the net does not learn at all.",
                  "T9")
              .range(0, 1)
              .build(),
          RecipeField.of("labelSmoothing", NUMBER, 0.0)
              .in(REGULARIZATION, true)
              .text(
                  "Label smoothing",
                  "Soft targets with this epsilon (0.1 on ImageNet); helps ResNet-50-sized models, can"
                      + " hurt small ones.",
                  "T10")
              .range(0, 0.5)
              .build(),
          RecipeField.of("dropout", NUMBER, 0.0)
              .in(REGULARIZATION, true)
              .text(
                  "Dropout before the classifier",
                  "While training, hide this share of the features the classifier reads, at random,"
                      + " so it cannot lean on a few of them; all are used for predictions. A"
                      + " regularizer against overfitting, like weight decay.",
                  "T9")
              .range(0, 0.9)
              .build(),
          // Augmentation
          RecipeField.of("randomResizedCrop", BOOLEAN, false)
              .in(AUGMENTATION, false)
              .text(
                  "Random resized crop",
                  "Crop a random area and aspect ratio, then resize back: the baseline"
                      + " augmentation.",
                  "T12",
                  "T11")
              .build(),
          RecipeField.of("cropScaleMin", NUMBER, 0.08)
              .in(AUGMENTATION, true)
              .text(
                  "Crop area, smallest",
                  "Smallest crop as a fraction of the image area (default 0.08; raise to 0.2 or"
                      + " more for small models).",
                  "T11")
              .range(0.01, 1)
              .build(),
          RecipeField.of("cropScaleMax", NUMBER, 1.0)
              .in(AUGMENTATION, true)
              .text("Crop area, largest", "Largest crop as a fraction of the image area.", "T11")
              .range(0.01, 1)
              .build(),
          RecipeField.of("cropRatioMin", NUMBER, 0.75)
              .in(AUGMENTATION, true)
              .text(
                  "Crop aspect ratio, smallest",
                  "Smallest width/height stretch of a crop (default 3/4).",
                  "T11")
              .range(0.1, 10)
              .build(),
          RecipeField.of("cropRatioMax", NUMBER, 4.0 / 3.0)
              .in(AUGMENTATION, true)
              .text(
                  "Crop aspect ratio, largest",
                  "Largest width/height stretch of a crop (default 4/3).",
                  "T11")
              .range(0.1, 10)
              .build(),
          RecipeField.of("horizontalFlip", BOOLEAN, false)
              .in(AUGMENTATION, false)
              .text("Horizontal flip", "Mirror half of the images left-right.", "T12")
              .build(),
          RecipeField.of("verticalFlip", BOOLEAN, false)
              .in(AUGMENTATION, true)
              .text(
                  "Vertical flip",
                  "Mirror half of the images upside down (aerial or microscope images).",
                  "T12")
              .build(),
          RecipeField.of("colorJitter", NUMBER, 0.0)
              .in(AUGMENTATION, true)
              .text(
                  "Colour jitter",
                  "Random brightness, contrast and saturation change of up to this fraction.",
                  "T12")
              .range(0, 1)
              .build(),
          RecipeField.of("autoAugment", TEXT, "none")
              .in(AUGMENTATION, true)
              .text(
                  "Augmentation policy",
                  "autoaugment applies the learned ImageNet policy; randaugment applies N random"
                      + " operations of one magnitude.",
                  "T12")
              .choices("none", "autoaugment", "randaugment")
              .build(),
          RecipeField.of("randAugmentOps", INTEGER, 2L)
              .in(AUGMENTATION, true)
              .text("RandAugment operations", "Operations applied to each image.", "T12")
              .range(1, 10)
              .build(),
          RecipeField.of("randAugmentMagnitude", INTEGER, 9L)
              .in(AUGMENTATION, true)
              .text("RandAugment magnitude", "Strength of every operation, 0 to 30.", "T12")
              .range(0, 30)
              .build(),
          RecipeField.of("cutoutSize", NUMBER, 0.0)
              .in(AUGMENTATION, true)
              .text(
                  "Cutout",
                  "If above 0, blank one square of this fraction of the image side in every image.",
                  "T12")
              .range(0, 1)
              .build(),
          RecipeField.of("randomErasingProbability", NUMBER, 0.0)
              .in(AUGMENTATION, true)
              .text(
                  "Random erasing",
                  "Probability of replacing a random rectangle (2-33% of the area) with noise.",
                  "T12")
              .range(0, 1)
              .build(),
          RecipeField.of("gridMaskProbability", NUMBER, 0.0)
              .in(AUGMENTATION, true)
              .text("GridMask", "Probability of blanking a regular grid of squares.", "T12")
              .range(0, 1)
              .build(),
          RecipeField.of("hideAndSeekProbability", NUMBER, 0.0)
              .in(AUGMENTATION, true)
              .text(
                  "Hide-and-Seek",
                  "Probability of hiding each patch of a 4x4 grid at random (half of them on"
                      + " average).",
                  "T12")
              .range(0, 1)
              .build(),
          RecipeField.of("mixupAlpha", NUMBER, 0.0)
              .in(AUGMENTATION, true)
              .text(
                  "Mixup alpha",
                  "If above 0, blend pairs of images and their labels with a Beta(alpha, alpha) weight"
                      + " (0.2 is typical).",
                  "T12")
              .range(0, 10)
              .build(),
          RecipeField.of("mixupProbability", NUMBER, 1.0)
              .in(AUGMENTATION, true)
              .text(
                  "Mixup probability",
                  "Share of batches mixed with mixup (when its alpha is above 0). With CutMix on as well and"
                      + " neither probability set, Kiln alternates them: 0.5 each.",
                  "T12")
              .range(0, 1)
              .build(),
          RecipeField.of("cutmixAlpha", NUMBER, 0.0)
              .in(AUGMENTATION, true)
              .text(
                  "CutMix alpha",
                  "If above 0, paste a patch of another image and mix the labels by area (1.0 is"
                      + " typical; the best single augmentation in the documents).",
                  "T12")
              .range(0, 10)
              .build(),
          RecipeField.of("cutmixProbability", NUMBER, 1.0)
              .in(AUGMENTATION, true)
              .text(
                  "CutMix probability",
                  "Share of batches mixed with CutMix (when its alpha is above 0).",
                  "T12")
              .range(0, 1)
              .build(),
          // Data
          RecipeField.of("normalization", TEXT, "dataset")
              .in(DATA, true)
              .text(
                  "Normalization",
                  "dataset: subtract the training images' mean and divide by their standard deviation;"
                      + " minus-one-one: scale pixels to [-1, 1]; imagenet: ImageNet's mean and deviation,"
                      + " what networks pretrained on ImageNet expect.",
                  "T12",
                  "T13")
              .choices("dataset", "minus-one-one", "imagenet")
              .build(),
          RecipeField.of("validationFraction", NUMBER, 0.2)
              .in(DATA, true)
              .text(
                  "Validation share",
                  "Share of each class held out to measure the model; never trained on.",
                  "T16")
              .range(0.01, 0.9)
              .build(),
          RecipeField.of("balanceClasses", BOOLEAN, false)
              .in(DATA, true)
              .text(
                  "Balance classes",
                  "Oversample the smaller classes of the training split (only) so every class is seen"
                      + " as often as the largest.",
                  "T16")
              .build(),
          RecipeField.of("seed", INTEGER, 42L)
              .in(DATA, true)
              .text(
                  "Random seed",
                  "Same seed, same data, same recipe: same split, same shuffling, same augmentation.",
                  "T16")
              .range(0, 9.0e15)
              .build(),
          // Early stopping
          RecipeField.of("earlyStopping", BOOLEAN, false)
              .in(STOPPING, true)
              .text(
                  "Early stopping",
                  "Stop when the validation metric has not improved for 'patience' epochs.",
                  "T15")
              .build(),
          RecipeField.of("earlyStoppingMetric", TEXT, Metric.VAL_ACCURACY.key())
              .in(STOPPING, true)
              .text(
                  "Watched metric",
                  "valAccuracy (higher is better) or valLoss (lower is better).",
                  "T15")
              .choices(Metric.VAL_ACCURACY.key(), Metric.VAL_LOSS.key())
              .build(),
          RecipeField.of("earlyStoppingPatience", INTEGER, 5L)
              .in(STOPPING, true)
              .text(
                  "Patience (epochs)", "Accuracy jitters, so do not stop at the first drop.", "T15")
              .range(1, 1000)
              .build(),
          RecipeField.of("earlyStoppingMinDelta", NUMBER, 0.001)
              .in(STOPPING, true)
              .text(
                  "Minimum improvement",
                  "A change smaller than this does not count as an improvement.",
                  "T15")
              .range(0, 1)
              .build(),
          RecipeField.of("restoreBest", BOOLEAN, true)
              .in(STOPPING, true)
              .text(
                  "Keep the best epoch",
                  "The saved model is the epoch with the best validation metric, not the last.",
                  "T15")
              .build(),
          // Fine-tuning
          RecipeField.of("initialWeights", TEXT, "random")
              .in(FINE_TUNE, true)
              .text(
                  "Starting weights",
                  "random (He initialization); pretrained: weights trained on ImageNet (or imported by an"
                      + " admin), without their classifier; run: the network of a finished Kiln run with the"
                      + " same architecture, without its final classifier; backbone: an uploaded pretrained TorchScript"
                      + " network exported without its classifier, topped with a new one.",
                  "T13",
                  "T18")
              .choices("random", "pretrained", "run", "backbone")
              .build(),
          RecipeField.of("pretrainedWeights", TEXT, "")
              .in(FINE_TUNE, true)
              .text(
                  "Pretrained weights",
                  "With starting weights 'pretrained': which ones, e.g. resnet-18-imagenet (the"
                      + " catalogue's ImageNet weights for each network) or imported-3 (weights an admin"
                      + " imported). Their network is the recipe's.",
                  "T13")
              .build(),
          RecipeField.of("initialRunId", INTEGER, 0L)
              .in(FINE_TUNE, true)
              .text(
                  "Starting run",
                  "The finished run whose weights to start from (with starting weights 'run').",
                  "T13")
              .range(0, 9.0e15)
              .build(),
          RecipeField.of("backboneId", INTEGER, 0L)
              .in(FINE_TUNE, true)
              .text(
                  "Backbone",
                  "The uploaded TorchScript backbone to start from (with starting weights 'backbone').",
                  "T13")
              .range(0, 9.0e15)
              .build(),
          RecipeField.of("headOnlyEpochs", INTEGER, 0L)
              .in(FINE_TUNE, true)
              .text(
                  "Head-only epochs",
                  "Two-stage fine-tune: first train only the new classifier for this many epochs,"
                      + " then all layers (as many epochs as the recipe has: equal means the head only).",
                  "T14")
              .range(0, 1000)
              .build(),
          RecipeField.of("storedFeatures", BOOLEAN, false)
              .in(FINE_TUNE, true)
              .text(
                  "Head on stored features",
                  "The head-only epochs run on the starting network's features, computed once per"
                      + " dataset and kept: seconds instead of minutes on a CPU, without augmentation"
                      + " in that stage.",
                  "T14")
              .build(),
          RecipeField.of("headLearningRate", NUMBER, 0.01)
              .in(FINE_TUNE, true)
              .text(
                  "Head-only learning rate",
                  "Constant learning rate of the head-only stage.",
                  "T14")
              .range(1e-7, 10)
              .build());

  private static final Map<String, RecipeField> BY_NAME = index();

  private RecipeFields() {}

  public static RecipeField get(String name) {
    return BY_NAME.get(name);
  }

  public static boolean contains(String name) {
    return BY_NAME.containsKey(name);
  }

  private static Map<String, RecipeField> index() {
    Map<String, RecipeField> map = new LinkedHashMap<>();
    for (RecipeField field : ALL) {
      if (map.put(field.name(), field) != null) {
        throw new IllegalStateException("duplicate recipe field " + field.name());
      }
    }
    return map;
  }
}
