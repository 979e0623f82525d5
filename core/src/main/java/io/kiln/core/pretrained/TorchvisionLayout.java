package io.kiln.core.pretrained;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tensors of torchvision's ResNet-18/34/50 and MobileNetV2 state dicts, by name and shape, in
 * the order the network uses them. Kiln's own networks of these architectures (at inputs of 64 px
 * and more) have the same layers in the same order, so pretrained weights load layer by layer, and
 * a weights file is recognised, or refused naming the first tensor that does not fit, without
 * loading it.
 */
public final class TorchvisionLayout {
  /**
   * Kiln's networks have torchvision's layers from this input size on (below it their stem keeps
   * the resolution with a 3x3 convolution instead of ImageNet's 7x7 stride-2 one).
   */
  public static final int MIN_SIZE = 64;

  /** The architectures a torchvision state dict can fill. */
  public static final List<String> ARCHITECTURES =
      List.of("resnet-18", "resnet-34", "resnet-50", "mobilenet-v2");

  /**
   * One stage of MobileNetV2's inverted residual blocks: each widens by {@code expansion}, the
   * stage ends with {@code channels}, and its first block has {@code stride}.
   */
  public record Stage(int expansion, int channels, int blocks, int stride) {}

  /** MobileNetV2's stages as torchvision (and the paper's table 2) has them. */
  public static final List<Stage> MOBILENET_V2_STAGES =
      List.of(
          new Stage(1, 16, 1, 1),
          new Stage(6, 24, 2, 2),
          new Stage(6, 32, 3, 2),
          new Stage(6, 64, 4, 2),
          new Stage(6, 96, 3, 1),
          new Stage(6, 160, 3, 2),
          new Stage(6, 320, 1, 1));

  /** MobileNetV2's stem and final channel counts. */
  public static final int MOBILENET_V2_STEM = 32;

  public static final int MOBILENET_V2_LAST = 1280;

  /** What a layer is, which decides its tensors. */
  public enum Kind {
    /** {@code name.weight} {@code [out, in / groups, k, k]}, no bias. */
    CONV,
    /** {@code name.weight}, {@code .bias}, {@code .running_mean}, {@code .running_var}. */
    BATCH_NORM,
    /** {@code name.weight} {@code [out, in]} and {@code name.bias} {@code [out]}. */
    LINEAR
  }

  /** A layer with parameters; {@code shape} is its weight's. */
  public record Layer(String name, Kind kind, long... shape) {
    /** Its tensors in state-dict order (a batch norm's step counter left out: not a weight). */
    public List<Tensor> tensors() {
      return switch (kind) {
        case CONV -> List.of(new Tensor(name + ".weight", shape));
        case BATCH_NORM ->
            List.of(
                new Tensor(name + ".weight", shape),
                new Tensor(name + ".bias", shape),
                new Tensor(name + ".running_mean", shape),
                new Tensor(name + ".running_var", shape));
        case LINEAR ->
            List.of(new Tensor(name + ".weight", shape), new Tensor(name + ".bias", shape[0]));
      };
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Layer l
          && l.name.equals(name)
          && l.kind == kind
          && Arrays.equals(l.shape, shape);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
      return name + " " + kind + " " + Arrays.toString(shape);
    }
  }

  /** One named tensor's shape. */
  public record Tensor(String name, long... shape) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Tensor t && t.name.equals(name) && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
      return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
      return name + " " + Arrays.toString(shape);
    }
  }

  private TorchvisionLayout() {}

  /** The feature extractor's layers, in the order the network runs them. */
  public static List<Layer> features(String architecture) {
    return switch (architecture) {
      case "resnet-18" -> resNet(new int[] {2, 2, 2, 2}, false);
      case "resnet-34" -> resNet(new int[] {3, 4, 6, 3}, false);
      case "resnet-50" -> resNet(new int[] {3, 4, 6, 3}, true);
      case "mobilenet-v2" -> mobileNetV2();
      default ->
          throw new IllegalArgumentException(
              "no torchvision layout for architecture '" + architecture + "'");
    };
  }

  /** The number of features the classifier reads. */
  public static int featureSize(String architecture) {
    return switch (architecture) {
      case "resnet-18", "resnet-34" -> 512;
      case "resnet-50" -> 2048;
      case "mobilenet-v2" -> MOBILENET_V2_LAST;
      default -> throw new IllegalArgumentException("unknown architecture '" + architecture + "'");
    };
  }

  /** The classifier: {@code fc} in a ResNet, {@code classifier.1} in MobileNetV2. */
  public static Layer classifier(String architecture, int classes) {
    String name = "mobilenet-v2".equals(architecture) ? "classifier.1" : "fc";
    return new Layer(name, Kind.LINEAR, classes, featureSize(architecture));
  }

  /** Every tensor of the network with {@code classes} outputs, in state-dict order. */
  public static List<Tensor> tensors(String architecture, int classes) {
    List<Tensor> all = new ArrayList<>();
    features(architecture).forEach(l -> all.addAll(l.tensors()));
    all.addAll(classifier(architecture, classes).tensors());
    return all;
  }

  /**
   * Which architecture a state dict fills, or the first tensor that keeps it from filling any.
   *
   * @param architecture the one that fits, or the closest when none does
   * @param problem null when it fits, else one sentence naming the first tensor that does not
   */
  public record Fit(String architecture, String problem) {
    public boolean fits() {
      return problem == null;
    }
  }

  /**
   * Checks a state dict's tensor names and shapes against every architecture. A fit has every
   * feature tensor with its shape; besides them only batch-norm step counters and a classifier of
   * any class count (its shape's input side must match) are allowed.
   */
  public static Fit fit(Map<String, long[]> tensors) {
    Fit best = null;
    int bestMatched = -1;
    for (String architecture : ARCHITECTURES) {
      Map<String, long[]> expected = new LinkedHashMap<>();
      features(architecture).forEach(l -> l.tensors().forEach(t -> expected.put(t.name, t.shape)));
      int matched = 0;
      String problem = null;
      for (Map.Entry<String, long[]> e : expected.entrySet()) {
        long[] found = tensors.get(e.getKey());
        if (found != null && Arrays.equals(found, e.getValue())) {
          matched++;
        } else if (problem == null) {
          problem =
              found == null
                  ? "tensor '" + e.getKey() + "' is missing: " + architecture + " needs it"
                  : "tensor '"
                      + e.getKey()
                      + "' has shape "
                      + Arrays.toString(found)
                      + " where "
                      + architecture
                      + " needs "
                      + Arrays.toString(e.getValue());
        }
      }
      if (problem == null) {
        problem = extra(architecture, expected, tensors);
      }
      if (problem == null) {
        return new Fit(architecture, null);
      }
      if (matched > bestMatched) {
        bestMatched = matched;
        best = new Fit(architecture, problem);
      }
    }
    return best;
  }

  private static String extra(
      String architecture, Map<String, long[]> expected, Map<String, long[]> tensors) {
    Layer classifier = classifier(architecture, 1);
    for (Map.Entry<String, long[]> e : tensors.entrySet()) {
      String name = e.getKey();
      if (expected.containsKey(name) || name.endsWith(".num_batches_tracked")) {
        continue;
      }
      long[] shape = e.getValue();
      boolean classifierWeight =
          name.equals(classifier.name() + ".weight")
              && shape.length == 2
              && shape[1] == featureSize(architecture);
      boolean classifierBias = name.equals(classifier.name() + ".bias") && shape.length == 1;
      if (!classifierWeight && !classifierBias) {
        return "tensor '"
            + name
            + "' "
            + Arrays.toString(shape)
            + " is not part of "
            + architecture
            + " (the closest network Kiln knows)";
      }
    }
    return null;
  }

  private static List<Layer> resNet(int[] blocks, boolean bottleneck) {
    List<Layer> layers = new ArrayList<>();
    conv(layers, "conv1", 64, 3, 7, 1);
    layers.add(new Layer("bn1", Kind.BATCH_NORM, 64));
    int in = 64;
    for (int stage = 0; stage < blocks.length; stage++) {
      int planes = 64 << stage;
      int out = bottleneck ? planes * 4 : planes;
      for (int b = 0; b < blocks[stage]; b++) {
        String block = "layer" + (stage + 1) + "." + b + ".";
        if (bottleneck) {
          conv(layers, block + "conv1", planes, in, 1, 1);
          layers.add(new Layer(block + "bn1", Kind.BATCH_NORM, planes));
          conv(layers, block + "conv2", planes, planes, 3, 1);
          layers.add(new Layer(block + "bn2", Kind.BATCH_NORM, planes));
          conv(layers, block + "conv3", out, planes, 1, 1);
          layers.add(new Layer(block + "bn3", Kind.BATCH_NORM, out));
        } else {
          conv(layers, block + "conv1", planes, in, 3, 1);
          layers.add(new Layer(block + "bn1", Kind.BATCH_NORM, planes));
          conv(layers, block + "conv2", planes, planes, 3, 1);
          layers.add(new Layer(block + "bn2", Kind.BATCH_NORM, planes));
        }
        if (b == 0 && (stage > 0 || bottleneck)) {
          conv(layers, block + "downsample.0", out, in, 1, 1);
          layers.add(new Layer(block + "downsample.1", Kind.BATCH_NORM, out));
        }
        in = out;
      }
    }
    return layers;
  }

  private static List<Layer> mobileNetV2() {
    List<Layer> layers = new ArrayList<>();
    conv(layers, "features.0.0", MOBILENET_V2_STEM, 3, 3, 1);
    layers.add(new Layer("features.0.1", Kind.BATCH_NORM, MOBILENET_V2_STEM));
    int in = MOBILENET_V2_STEM;
    int index = 1;
    for (Stage stage : MOBILENET_V2_STAGES) {
      for (int i = 0; i < stage.blocks(); i++) {
        String block = "features." + index++ + ".conv.";
        int hidden = Math.round(in * (float) stage.expansion());
        int part = 0;
        if (stage.expansion() != 1) {
          conv(layers, block + part + ".0", hidden, in, 1, 1);
          layers.add(new Layer(block + part++ + ".1", Kind.BATCH_NORM, hidden));
        }
        conv(layers, block + part + ".0", hidden, hidden, 3, hidden);
        layers.add(new Layer(block + part++ + ".1", Kind.BATCH_NORM, hidden));
        conv(layers, block + part++, stage.channels(), hidden, 1, 1);
        layers.add(new Layer(block + part, Kind.BATCH_NORM, stage.channels()));
        in = stage.channels();
      }
    }
    conv(layers, "features." + index + ".0", MOBILENET_V2_LAST, in, 1, 1);
    layers.add(new Layer("features." + index + ".1", Kind.BATCH_NORM, MOBILENET_V2_LAST));
    return layers;
  }

  private static void conv(List<Layer> layers, String name, int out, int in, int k, int groups) {
    layers.add(new Layer(name, Kind.CONV, out, in / groups, k, k));
  }
}
