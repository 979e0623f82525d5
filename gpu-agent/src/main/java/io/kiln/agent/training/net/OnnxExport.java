package io.kiln.agent.training.net;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import io.kiln.core.onnx.OnnxGraph;
import java.util.Map;

/**
 * Writes a trained {@link KilnNet} of Kiln's own architectures as an ONNX model (opset {@value
 * OnnxGraph#OPSET}), so it runs outside Kiln (ONNX Runtime, TensorRT, OpenVINO, browsers).
 *
 * <p>The model takes {@value #INPUT}, float32 {@code [batch, channels, size, size]} with pixels in
 * [0, 1] (RGB, or luminance for one channel), and applies the run's normalization itself; it gives
 * {@value #LOGITS} and {@value #PROBABILITIES} (softmax), both {@code [batch, classes]}. Batch norm
 * uses its running statistics (inference mode).
 */
public final class OnnxExport {
  public static final String INPUT = "image";
  public static final String LOGITS = "logits";
  public static final String PROBABILITIES = "probabilities";

  /** The network holds a layer the export cannot write (e.g. an uploaded TorchScript backbone). */
  public static final class NotExportableException extends RuntimeException {
    public NotExportableException(String message) {
      super(message);
    }
  }

  private final OnnxGraph graph = new OnnxGraph();

  private OnnxExport() {}

  /**
   * The ONNX bytes of {@code net}.
   *
   * @param mean per-channel normalization mean, applied inside the model
   * @param std per-channel normalization standard deviation
   * @param metadata key/value pairs stored in the model (class names, run id, ...)
   * @throws NotExportableException when a layer has no ONNX counterpart here
   */
  public static byte[] of(
      KilnNet net,
      int channels,
      int size,
      int classes,
      float[] mean,
      float[] std,
      Map<String, String> metadata,
      String description) {
    OnnxExport export = new OnnxExport();
    OnnxGraph g = export.graph;
    metadata.forEach(g::metadata);
    String x = g.input(INPUT, channels, size, size);
    x = g.sub(x, g.constant("mean", mean, 1, channels, 1, 1));
    x = g.div(x, g.constant("std", std, 1, channels, 1, 1));
    x = export.block(net.features(), x);
    String logits = g.rename(export.block(net.head(), x), LOGITS);
    g.output(logits, classes);
    g.output(g.rename(g.softmax(logits), PROBABILITIES), classes);
    return g.toBytes("kiln", "Kiln", description);
  }

  private String block(Block block, String x) {
    if (block instanceof SequentialBlock sequential) {
      String out = x;
      for (var child : sequential.getChildren()) {
        out = block(child.getValue(), out);
      }
      return out;
    }
    if (block instanceof Residual residual) {
      return graph.add(block(residual.main(), x), block(residual.shortcut(), x));
    }
    if (block instanceof Conv2d conv) {
      return conv(conv, x);
    }
    if (block instanceof BatchNorm) {
      return graph.batchNorm(
          x,
          param(block, "gamma"),
          param(block, "beta"),
          param(block, "runningMean"),
          param(block, "runningVar"),
          Architectures.BATCH_NORM_EPSILON);
    }
    if (block instanceof Linear) {
      return graph.linear(x, param(block, "weight"), param(block, "bias"));
    }
    if (block instanceof Op op) {
      return switch (op.kind) {
        case RELU -> graph.relu(x);
        case RELU6 -> graph.clip(x, 0, 6);
        case MAX_POOL -> graph.maxPool(x, op.kernel, op.stride, op.pad);
        case GLOBAL_AVG_POOL -> graph.globalAveragePool(x);
        case FLATTEN -> graph.flatten(x);
        case IDENTITY -> x;
      };
    }
    throw new NotExportableException(
        "the network holds a "
            + block.getClass().getSimpleName()
            + " layer, which Kiln cannot write as ONNX (only its own networks can be exported)");
  }

  private String conv(Conv2d conv, String x) {
    int kernel = (int) conv.getKernelShape().get(0);
    if (conv.getKernelShape().get(1) != kernel
        || conv.getStride().get(0) != conv.getStride().get(1)
        || conv.getPadding().get(0) != conv.getPadding().get(1)) {
      throw new NotExportableException("a convolution is not square, which the export assumes");
    }
    return graph.conv(
        x,
        param(conv, "weight"),
        conv.isIncludeBias() ? param(conv, "bias") : null,
        kernel,
        (int) conv.getStride().get(0),
        (int) conv.getPadding().get(0),
        conv.getGroups());
  }

  /** The named parameter of {@code block} as an initializer with its shape. */
  private String param(Block block, String name) {
    Parameter parameter = block.getParameters().get(name);
    if (parameter == null) {
      throw new NotExportableException(
          block.getClass().getSimpleName() + " has no parameter '" + name + "'");
    }
    NDArray array = parameter.getArray();
    return graph.constant(name, array.toFloatArray(), array.getShape().getShape());
  }
}
