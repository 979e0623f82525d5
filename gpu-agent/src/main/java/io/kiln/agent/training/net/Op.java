package io.kiln.agent.training.net;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.pooling.Pool;
import java.util.function.Function;

/**
 * A parameter-free layer that remembers what it computes, so the ONNX export ({@link OnnxExport})
 * can write the same operator: DJL's own lambda blocks hide their settings in a closure.
 */
final class Op extends LambdaBlock {
  enum Kind {
    RELU,
    RELU6,
    MAX_POOL,
    GLOBAL_AVG_POOL,
    FLATTEN,
    IDENTITY
  }

  final Kind kind;
  final int kernel;
  final int stride;
  final int pad;

  private Op(Kind kind, int kernel, int stride, int pad, Function<NDArray, NDArray> f) {
    super(list -> new ai.djl.ndarray.NDList(f.apply(list.singletonOrThrow())), kind.name());
    this.kind = kind;
    this.kernel = kernel;
    this.stride = stride;
    this.pad = pad;
  }

  static Op relu() {
    return new Op(Kind.RELU, 0, 0, 0, Activation::relu);
  }

  /** {@code min(max(x, 0), 6)}: MobileNetV2's activation. */
  static Op relu6() {
    return new Op(Kind.RELU6, 0, 0, 0, Activation::relu6);
  }

  static Op maxPool(int kernel, int stride, int pad) {
    Shape k = new Shape(kernel, kernel);
    Shape s = new Shape(stride, stride);
    Shape p = new Shape(pad, pad);
    return new Op(Kind.MAX_POOL, kernel, stride, pad, x -> Pool.maxPool2d(x, k, s, p, false));
  }

  static Op globalAvgPool() {
    return new Op(Kind.GLOBAL_AVG_POOL, 0, 0, 0, Pool::globalAvgPool2d);
  }

  /** {@code [N, C, ...] -> [N, C * ...]}. */
  static Op flatten() {
    return new Op(Kind.FLATTEN, 0, 0, 0, ai.djl.nn.Blocks::batchFlatten);
  }

  static Op identity() {
    return new Op(Kind.IDENTITY, 0, 0, 0, x -> x);
  }
}
