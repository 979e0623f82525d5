package io.kiln.backend.predict;

import io.kiln.core.i18n.Text;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The images of a prediction request: each uploaded file, and each file inside an uploaded {@code
 * .zip}, read in memory up to a size limit. A file that cannot be read becomes an item with its
 * problem, so the rest of the batch still gets answers.
 */
final class Uploads {
  private Uploads() {}

  /** An uploaded file as the request delivered it. */
  record Upload(String name, Path file, long size) {}

  /** One image to predict: its bytes, or the problem that stops it. */
  record Item(String name, byte[] bytes, Text problem) {
    static Item failed(String name, Text problem) {
      return new Item(name, null, problem);
    }
  }

  /** What one request may hold: bytes per image, images, and bytes of all images together. */
  record Limits(long maxBytes, int maxImages, long maxTotalBytes) {}

  /**
   * Items beyond {@code maxImages}, or once the images read reach {@code maxTotalBytes}, are
   * refused with a note and not read.
   */
  static List<Item> items(List<Upload> uploads, Limits limits) throws IOException {
    Budget budget = new Budget(limits);
    for (Upload upload : uploads) {
      if (isZip(upload)) {
        unzip(upload, budget);
      } else {
        budget.add(upload.name(), upload.size(), () -> Files.newInputStream(upload.file()));
      }
    }
    return budget.items;
  }

  /** The items so far and what they used of the limits. */
  private static final class Budget {
    final Limits limits;
    final List<Item> items = new ArrayList<>();
    long bytes;
    int images;

    Budget(Limits limits) {
      this.limits = limits;
    }

    /** True once nothing more can be read: no images or bytes left. */
    boolean full() {
      return images >= limits.maxImages() || bytes >= limits.maxTotalBytes();
    }

    void add(String name, long size, Source source) throws IOException {
      if (images >= limits.maxImages()) {
        items.add(Item.failed(name, Text.of("predict.tooManyImages", "max", limits.maxImages())));
        return;
      }
      if (bytes + Math.max(0, size) > limits.maxTotalBytes()) {
        items.add(
            Item.failed(
                name, Text.of("predict.tooManyBytes", "mb", limits.maxTotalBytes() / 1_000_000)));
        return;
      }
      Item item = read(name, size, limits.maxBytes(), source);
      images++;
      bytes += item.bytes() == null ? 0 : item.bytes().length;
      items.add(item);
    }
  }

  /**
   * A zip's files, each as an item while the budget lasts; the files left over once it is spent are
   * one item that counts them (a zip of a million files does not answer a million lines).
   */
  private static void unzip(Upload upload, Budget budget) throws IOException {
    try (ZipFile zip = new ZipFile(upload.file().toFile())) {
      int leftOver = 0;
      for (ZipEntry entry : Collections.list(zip.entries())) {
        String path = entry.getName();
        String base = path.substring(path.lastIndexOf('/') + 1);
        if (entry.isDirectory() || path.startsWith("__MACOSX/") || base.startsWith(".")) {
          continue;
        }
        if (budget.full()) {
          leftOver++;
          continue;
        }
        budget.add(upload.name() + "/" + path, entry.getSize(), () -> zip.getInputStream(entry));
      }
      if (leftOver > 0) {
        budget.items.add(
            Item.failed(
                upload.name(),
                Text.of(
                    "predict.leftOver",
                    "n",
                    leftOver,
                    "max",
                    budget.limits.maxImages(),
                    "mb",
                    budget.limits.maxTotalBytes() / 1_000_000)));
      }
    } catch (java.util.zip.ZipException e) {
      budget.items.add(
          Item.failed(upload.name(), Text.of("predict.damagedZip", "detail", e.getMessage())));
    }
  }

  private interface Source {
    InputStream open() throws IOException;
  }

  private static Item read(String name, long size, long maxBytes, Source source)
      throws IOException {
    if (size > maxBytes) {
      return Item.failed(name, tooLarge(size, maxBytes));
    }
    try (InputStream in = source.open()) {
      byte[] bytes = in.readNBytes((int) maxBytes + 1);
      if (bytes.length > maxBytes) {
        return Item.failed(name, tooLarge(bytes.length, maxBytes));
      }
      if (bytes.length == 0) {
        return Item.failed(name, Text.of("predict.empty"));
      }
      return new Item(name, bytes, null);
    }
  }

  private static Text tooLarge(long size, long maxBytes) {
    return Text.of(
        "predict.tooLarge",
        "mb",
        String.format(Locale.ROOT, "%.1f", size / 1e6),
        "max",
        maxBytes / 1_000_000);
  }

  private static boolean isZip(Upload upload) {
    if (upload.name().toLowerCase(Locale.ROOT).endsWith(".zip")) {
      return true;
    }
    try (InputStream in = Files.newInputStream(upload.file())) {
      byte[] magic = in.readNBytes(4);
      return magic.length == 4
          && magic[0] == 'P'
          && magic[1] == 'K'
          && magic[2] == 3
          && magic[3] == 4;
    } catch (IOException e) {
      return false;
    }
  }
}
