package io.kiln.agent.training.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import io.kiln.core.pretrained.StateDict;
import io.kiln.core.pretrained.StateDictWriter;
import io.kiln.core.pretrained.TorchvisionLayout;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Moves weights between a torchvision state dict and a {@link KilnNet} of the same architecture
 * (T13): Kiln's ResNets and MobileNetV2 have torchvision's layers in torchvision's order, so the
 * i-th convolution or batch norm of one is the i-th of the other ({@link TorchvisionLayout} names
 * them). Every shape is checked before anything is copied.
 */
public final class TorchvisionWeights {
  private static final Map<TorchvisionLayout.Kind, List<String>> PARAMETERS =
      Map.of(
          TorchvisionLayout.Kind.CONV, List.of("weight"),
          TorchvisionLayout.Kind.BATCH_NORM, List.of("gamma", "beta", "runningMean", "runningVar"),
          TorchvisionLayout.Kind.LINEAR, List.of("weight", "bias"));

  private TorchvisionWeights() {}

  /**
   * Loads the feature extractor's weights from {@code dict} into {@code net}, and the classifier's
   * too when {@code withClassifier} (only where the class count is the dict's: a parity check; a
   * fine-tune starts with a new head, T13).
   *
   * @throws IOException naming the first tensor that does not fit
   */
  public static void load(
      KilnNet net, String architecture, StateDict dict, boolean withClassifier, NDManager manager)
      throws IOException {
    List<Pair> pairs = pairs(net, architecture, withClassifier);
    for (Pair pair : pairs) {
      for (int i = 0; i < pair.tensors.size(); i++) {
        TorchvisionLayout.Tensor tensor = pair.tensors.get(i);
        StateDict.Tensor found = dict.tensors().get(tensor.name());
        if (found == null) {
          throw new IOException("the pretrained weights have no tensor '" + tensor.name() + "'");
        }
        Parameter parameter = pair.parameters.get(i);
        long[] ours = parameter.getArray().getShape().getShape();
        if (!Arrays.equals(found.shape(), ours)) {
          throw new IOException(
              "tensor '"
                  + tensor.name()
                  + "' of the pretrained weights has shape "
                  + Arrays.toString(found.shape())
                  + ", this "
                  + architecture
                  + " needs "
                  + Arrays.toString(ours)
                  + (tensor.name().startsWith("conv1")
                      ? " (pretrained ResNets need images of at least 64 px)"
                      : ""));
        }
      }
    }
    try (NDManager scope = manager.newSubManager()) {
      for (Pair pair : pairs) {
        for (int i = 0; i < pair.tensors.size(); i++) {
          NDArray target = pair.parameters.get(i).getArray();
          scope
              .create(dict.floats(pair.tensors.get(i).name()), target.getShape())
              .toDevice(target.getDevice(), false)
              .copyTo(target);
        }
      }
    }
  }

  /**
   * The network's weights as a torchvision state dict of {@code classes} outputs, for {@link
   * StateDictWriter}: loadable by {@code torchvision.models.<name>(num_classes=classes)}.
   */
  public static Map<String, StateDictWriter.Values> export(KilnNet net, String architecture) {
    Map<String, StateDictWriter.Values> out = new LinkedHashMap<>();
    for (Pair pair : pairs(net, architecture, true)) {
      for (int i = 0; i < pair.tensors.size(); i++) {
        NDArray array = pair.parameters.get(i).getArray();
        out.put(
            pair.tensors.get(i).name(),
            new StateDictWriter.Values(array.getShape().getShape(), array.toFloatArray()));
      }
    }
    return out;
  }

  /** Each torchvision layer beside the Kiln parameters that hold its tensors. */
  private record Pair(List<TorchvisionLayout.Tensor> tensors, List<Parameter> parameters) {}

  private static List<Pair> pairs(KilnNet net, String architecture, boolean withClassifier) {
    List<TorchvisionLayout.Layer> layout =
        new ArrayList<>(TorchvisionLayout.features(architecture));
    List<Block> layers = new ArrayList<>();
    collect(net.features(), layers);
    if (withClassifier) {
      Shape weight = net.head().getParameters().get("weight").getArray().getShape();
      layout.add(TorchvisionLayout.classifier(architecture, (int) weight.get(0)));
      layers.add(net.head());
    }
    if (layers.size() != layout.size()) {
      throw new IllegalStateException(
          "Kiln's "
              + architecture
              + " has "
              + layers.size()
              + " layers with weights, torchvision's "
              + layout.size());
    }
    List<Pair> pairs = new ArrayList<>();
    for (int i = 0; i < layout.size(); i++) {
      TorchvisionLayout.Layer layer = layout.get(i);
      Block block = layers.get(i);
      List<Parameter> parameters = new ArrayList<>();
      for (String name : PARAMETERS.get(layer.kind())) {
        Parameter p = block.getParameters().get(name);
        if (p == null || !kindOf(block).equals(layer.kind())) {
          throw new IllegalStateException(
              "Kiln's layer " + i + " is a " + block.getClass().getSimpleName() + ", not " + layer);
        }
        parameters.add(p);
      }
      pairs.add(new Pair(layer.tensors(), parameters));
    }
    return pairs;
  }

  private static TorchvisionLayout.Kind kindOf(Block block) {
    if (block instanceof Conv2d) {
      return TorchvisionLayout.Kind.CONV;
    }
    if (block instanceof BatchNorm) {
      return TorchvisionLayout.Kind.BATCH_NORM;
    }
    return TorchvisionLayout.Kind.LINEAR;
  }

  /** The layers with weights in the order the network runs them (a shortcut after its branch). */
  private static void collect(Block block, List<Block> out) {
    if (block instanceof SequentialBlock sequential) {
      sequential.getChildren().forEach(child -> collect(child.getValue(), out));
    } else if (block instanceof Residual residual) {
      collect(residual.main(), out);
      collect(residual.shortcut(), out);
    } else if (block instanceof Conv2d || block instanceof BatchNorm || block instanceof Linear) {
      out.add(block);
    } else if (!(block instanceof Op)) {
      throw new IllegalStateException(
          "a " + block.getClass().getSimpleName() + " has no torchvision counterpart");
    }
  }
}
