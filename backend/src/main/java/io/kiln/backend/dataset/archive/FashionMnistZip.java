package io.kiln.backend.dataset.archive;

import io.kiln.core.data.IdxImages;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Writes Fashion-MNIST (from the Debian package's IDX files) as the kind of archive a user would
 * upload: {@code train/<class>/*.png} and {@code test/<class>/*.png}. Used by the sample-dataset
 * button and the import benchmark.
 */
public final class FashionMnistZip {
  private FashionMnistZip() {}

  /**
   * @return the number of images written
   */
  public static int write(Path idxDir, int trainImages, int testImages, Path target)
      throws IOException {
    IdxImages train = IdxImages.read(idxDir, "train", trainImages);
    IdxImages test = IdxImages.read(idxDir, "t10k", testImages);
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(target), 1 << 16);
        ZipOutputStream zip = new ZipOutputStream(out)) {
      add(zip, train, "train");
      add(zip, test, "test");
    }
    return train.count() + test.count();
  }

  private static void add(ZipOutputStream zip, IdxImages images, String split) throws IOException {
    BufferedImage image =
        new BufferedImage(images.cols(), images.rows(), BufferedImage.TYPE_BYTE_GRAY);
    for (int i = 0; i < images.count(); i++) {
      image.getRaster().setDataElements(0, 0, images.cols(), images.rows(), images.pixels()[i]);
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(image, "png", png);
      String cls = IdxImages.FASHION_CLASSES.get(images.labels()[i]);
      zip.putNextEntry(
          new ZipEntry(split + "/" + cls + "/" + split + "-" + String.format("%05d", i) + ".png"));
      png.writeTo(zip);
      zip.closeEntry();
    }
  }
}
