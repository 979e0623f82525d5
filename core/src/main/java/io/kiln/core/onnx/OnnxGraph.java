package io.kiln.core.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an ONNX model (opset {@value #OPSET}) from a handful of operators, enough for Kiln's
 * convolutional networks: each method adds one node and returns the name of its output, so a
 * network is written as it runs. Weights are initializers with their float32 values; the input's
 * batch dimension is symbolic ({@code batch}).
 *
 * <p>Field numbers follow {@code onnx.proto} (ModelProto, GraphProto, NodeProto, AttributeProto,
 * TensorProto, ValueInfoProto).
 */
public final class OnnxGraph {
  public static final int OPSET = 17;

  /** ONNX IR version 8 is the one that goes with opset 17. */
  static final int IR_VERSION = 8;

  private static final int FLOAT = 1;
  private static final int ATTR_FLOAT = 1;
  private static final int ATTR_INT = 2;
  private static final int ATTR_INTS = 7;

  private final List<Protobuf> nodes = new ArrayList<>();
  private final List<Protobuf> initializers = new ArrayList<>();
  private final List<Protobuf> inputs = new ArrayList<>();
  private final List<Protobuf> outputs = new ArrayList<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();
  private int counter;

  /** Declares the float input {@code [batch, dims...]} and returns its name. */
  public String input(String name, long... dims) {
    inputs.add(valueInfo(name, dims));
    return name;
  }

  /** Declares {@code value} an output of the model, named as it is, shape {@code [batch, dims]}. */
  public void output(String value, long... dims) {
    outputs.add(valueInfo(value, dims));
  }

  /** A key/value pair in the model's metadata (ONNX Runtime returns them as custom metadata). */
  public OnnxGraph metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** A float32 constant of {@code dims}, row-major. */
  public String constant(String hint, float[] values, long... dims) {
    long count = 1;
    for (long d : dims) {
      count *= d;
    }
    if (count != values.length) {
      throw new IllegalArgumentException(
          hint + ": " + values.length + " values for a shape of " + count);
    }
    String name = fresh(hint);
    ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    Protobuf tensor = new Protobuf();
    for (long d : dims) {
      tensor.varint(1, d);
    }
    tensor.varint(2, FLOAT).string(8, name).bytes(9, raw.array());
    initializers.add(tensor);
    return name;
  }

  /**
   * A 2-D convolution, no bias unless given; {@code pad} on all four sides.
   *
   * @param weight an initializer of shape {@code [out, in/groups, k, k]}
   */
  public String conv(String x, String weight, String bias, int kernel, int stride, int pad, int g) {
    Node node = node("Conv", bias == null ? List.of(x, weight) : List.of(x, weight, bias));
    ints(node, "kernel_shape", kernel, kernel);
    ints(node, "strides", stride, stride);
    ints(node, "pads", pad, pad, pad, pad);
    ints(node, "dilations", 1, 1);
    integer(node, "group", g);
    return add(node);
  }

  /** Batch normalization in inference mode: running mean and variance. */
  public String batchNorm(
      String x, String scale, String bias, String mean, String variance, float epsilon) {
    Node node = node("BatchNormalization", List.of(x, scale, bias, mean, variance));
    Protobuf attribute =
        new Protobuf().string(1, "epsilon").float32(2, epsilon).varint(20, ATTR_FLOAT);
    node.proto().message(5, attribute);
    return add(node);
  }

  public String relu(String x) {
    return add(node("Relu", List.of(x)));
  }

  /** {@code min(max(x, low), high)}, the bounds as scalar constants (ReLU6 is clip 0..6). */
  public String clip(String x, float low, float high) {
    return add(
        node(
            "Clip",
            List.of(x, constant("low", new float[] {low}), constant("high", new float[] {high}))));
  }

  public String maxPool(String x, int kernel, int stride, int pad) {
    Node node = node("MaxPool", List.of(x));
    ints(node, "kernel_shape", kernel, kernel);
    ints(node, "strides", stride, stride);
    ints(node, "pads", pad, pad, pad, pad);
    return add(node);
  }

  public String globalAveragePool(String x) {
    return add(node("GlobalAveragePool", List.of(x)));
  }

  /** Flattens every dimension after the first: {@code [N, C, 1, 1] -> [N, C]}. */
  public String flatten(String x) {
    Node node = node("Flatten", List.of(x));
    integer(node, "axis", 1);
    return add(node);
  }

  /** {@code x * weight^T + bias}: a linear layer whose weight is {@code [out, in]}. */
  public String linear(String x, String weight, String bias) {
    Node node = node("Gemm", List.of(x, weight, bias));
    integer(node, "transB", 1);
    return add(node);
  }

  public String add(String a, String b) {
    return add(node("Add", List.of(a, b)));
  }

  public String sub(String a, String b) {
    return add(node("Sub", List.of(a, b)));
  }

  public String div(String a, String b) {
    return add(node("Div", List.of(a, b)));
  }

  public String softmax(String x) {
    Node node = node("Softmax", List.of(x));
    integer(node, "axis", 1);
    return add(node);
  }

  /** Names a value: an Identity node, so an output can carry a stable, documented name. */
  public String rename(String x, String name) {
    Protobuf node =
        new Protobuf().string(1, x).string(2, name).string(3, name).string(4, "Identity");
    nodes.add(node);
    return name;
  }

  /** The serialized {@code ModelProto}. */
  public byte[] toBytes(String graphName, String producer, String docString) {
    Protobuf graph = new Protobuf();
    nodes.forEach(n -> graph.message(1, n));
    graph.string(2, graphName);
    initializers.forEach(t -> graph.message(5, t));
    graph.string(10, docString);
    inputs.forEach(i -> graph.message(11, i));
    outputs.forEach(o -> graph.message(12, o));
    Protobuf model =
        new Protobuf()
            .varint(1, IR_VERSION)
            .string(2, producer)
            .string(6, docString)
            .message(7, graph)
            .message(8, new Protobuf().string(1, "").varint(2, OPSET));
    metadata.forEach((k, v) -> model.message(14, new Protobuf().string(1, k).string(2, v)));
    return model.toByteArray();
  }

  private Node node(String op, List<String> in) {
    Protobuf node = new Protobuf();
    in.forEach(i -> node.string(1, i));
    String output = fresh(op.toLowerCase(java.util.Locale.ROOT));
    node.string(2, output).string(3, output).string(4, op);
    return new Node(node, output);
  }

  /** Records the node and returns its output. */
  private String add(Node node) {
    nodes.add(node.proto());
    return node.output();
  }

  private String fresh(String hint) {
    return hint + "_" + (++counter);
  }

  /** A node being written, and the name of its one output. */
  private record Node(Protobuf proto, String output) {}

  private static void ints(Node node, String name, long... values) {
    Protobuf attribute = new Protobuf().string(1, name);
    for (long v : values) {
      attribute.varint(8, v);
    }
    node.proto().message(5, attribute.varint(20, ATTR_INTS));
  }

  private static void integer(Node node, String name, long value) {
    node.proto().message(5, new Protobuf().string(1, name).varint(3, value).varint(20, ATTR_INT));
  }

  private static Protobuf valueInfo(String name, long... dims) {
    Protobuf shape = new Protobuf();
    shape.message(1, new Protobuf().string(2, "batch"));
    for (long d : dims) {
      shape.message(1, new Protobuf().varint(1, d));
    }
    Protobuf tensorType = new Protobuf().varint(1, FLOAT).message(2, shape);
    return new Protobuf().string(1, name).message(2, new Protobuf().message(1, tensorType));
  }
}
