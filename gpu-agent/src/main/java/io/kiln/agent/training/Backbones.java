package io.kiln.agent.training;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.pooling.Pool;
import io.kiln.agent.training.net.KilnNet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Networks built on an uploaded TorchScript backbone (T13): the backbone, exported without its
 * classifier, becomes the trainable feature extractor and a new linear head is put on top. A
 * backbone that outputs feature maps gets global average pooling first. Each load opens its own DJL
 * model; {@link #close()} releases them all.
 */
final class Backbones implements AutoCloseable {
  private final Path file;
  private final Device device;
  private final List<Model> opened = new ArrayList<>();

  Backbones(Path file, Device device) {
    this.file = file;
    this.device = device;
  }

  /** A fresh network: the backbone as loaded from the file, plus a new head for {@code classes}. */
  KilnNet build(int classes, int channels, int size) {
    try {
      Path dir = Files.createTempDirectory("kiln-backbone");
      Files.copy(file, dir.resolve("backbone.pt"), StandardCopyOption.REPLACE_EXISTING);
      Model model = Model.newInstance("backbone", device, "PyTorch");
      opened.add(model);
      model.load(dir, "backbone.pt", Map.of("trainParam", "true"));
      Block backbone = model.getBlock();
      Shape[] out = backbone.getOutputShapes(new Shape[] {new Shape(1, channels, size, size)});
      Block features =
          out[0].dimension() == 4
              ? new SequentialBlock()
                  .add(backbone)
                  .add(Pool.globalAvgPool2dBlock())
                  .add(Blocks.batchFlattenBlock())
              : backbone;
      return KilnNet.withClassifier(features, classes);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      throw new IllegalArgumentException(
          "the backbone could not be loaded as a TorchScript network for "
              + channels
              + "-channel "
              + size
              + "x"
              + size
              + " images: "
              + e.getMessage(),
          e);
    }
  }

  @Override
  public void close() {
    opened.forEach(Model::close);
  }
}
