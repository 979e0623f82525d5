package io.kiln.backend.predict;

import io.kiln.core.i18n.Text;
import java.io.ByteArrayOutputStream;
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
 * .zip}. Nothing is read when the request is listed: each image is read when its turn comes, so a
 * request holds one image's bytes at a time, not all of them. A file that cannot be read becomes an
 * item with its problem, so the rest of the batch still gets answers.
 */
final class Uploads implements AutoCloseable {
  /** An uploaded file as the request delivered it. */
  record Upload(String name, Path file, long size) {}

  /**
   * One image to predict: where its bytes are and the size it claims (-1 where a zip does not say),
   * or the problem that stops it.
   */
  record Item(String name, Source source, long size, Text problem) {
    static Item failed(String name, Text problem) {
      return new Item(name, null, 0, problem);
    }
  }

  /** What one request may hold: bytes per image, images, and bytes of all images together. */
  record Limits(long maxBytes, int maxImages, long maxTotalBytes) {}

  /** An image that cannot be read, with why. */
  static final class Unreadable extends Exception {
    private final transient Text text;

    Unreadable(Text text) {
      super(text.english());
      this.text = text;
    }

    Text text() {
      return text;
    }
  }

  interface Source {
    InputStream open() throws IOException;
  }

  private final Limits limits;
  private final List<Item> items = new ArrayList<>();
  private final List<ZipFile> zips = new ArrayList<>();
  private long listedBytes;
  private long readBytes;

  private Uploads(Limits limits) {
    this.limits = limits;
  }

  /**
   * Lists the request's images. Items beyond {@code maxImages}, or once the sizes listed reach
   * {@code maxTotalBytes}, are refused with a note.
   */
  static Uploads of(List<Upload> uploads, Limits limits) throws IOException {
    Uploads batch = new Uploads(limits);
    try {
      for (Upload upload : uploads) {
        if (isZip(upload)) {
          batch.unzip(upload);
        } else {
          batch.add(upload.name(), upload.size(), () -> Files.newInputStream(upload.file()));
        }
      }
    } catch (IOException | RuntimeException e) {
      batch.close();
      throw e;
    }
    return batch;
  }

  List<Item> items() {
    return items;
  }

  /** True once nothing more can be listed: no images or bytes left. */
  private boolean full() {
    return items.size() >= limits.maxImages() || listedBytes >= limits.maxTotalBytes();
  }

  private void add(String name, long size, Source source) {
    if (items.size() >= limits.maxImages()) {
      items.add(Item.failed(name, Text.of("predict.tooManyImages", "max", limits.maxImages())));
      return;
    }
    if (size > limits.maxBytes()) {
      items.add(Item.failed(name, tooLarge(size, limits.maxBytes())));
      return;
    }
    if (listedBytes + Math.max(0, size) > limits.maxTotalBytes()) {
      items.add(Item.failed(name, tooManyBytes()));
      return;
    }
    listedBytes += Math.max(0, size);
    items.add(new Item(name, source, size, null));
  }

  /**
   * A zip's files, each as an item while the limits last; the files left over once they are spent
   * are one item that counts them (a zip of a million files does not answer a million lines).
   */
  private void unzip(Upload upload) throws IOException {
    ZipFile zip;
    try {
      zip = new ZipFile(upload.file().toFile());
    } catch (java.util.zip.ZipException e) {
      items.add(
          Item.failed(upload.name(), Text.of("predict.damagedZip", "detail", e.getMessage())));
      return;
    }
    zips.add(zip);
    int leftOver = 0;
    for (ZipEntry entry : Collections.list(zip.entries())) {
      String path = entry.getName();
      String base = path.substring(path.lastIndexOf('/') + 1);
      if (entry.isDirectory() || path.startsWith("__MACOSX/") || base.startsWith(".")) {
        continue;
      }
      if (full()) {
        leftOver++;
        continue;
      }
      add(upload.name() + "/" + path, entry.getSize(), () -> zip.getInputStream(entry));
    }
    if (leftOver > 0) {
      items.add(
          Item.failed(
              upload.name(),
              Text.of(
                  "predict.leftOver",
                  "n",
                  leftOver,
                  "max",
                  limits.maxImages(),
                  "mb",
                  limits.maxTotalBytes() / 1_000_000)));
    }
  }

  /**
   * The bytes of one item, read now. Counted as they arrive (a zip's sizes can lie): more than one
   * image may have, or more than the request may hold, is refused before it is all in memory. (A
   * compression ratio proves nothing here: an uncompressed BMP of one colour zips a thousandfold.)
   */
  byte[] read(Item item) throws Unreadable {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[1 << 16];
    long size = 0;
    try (InputStream in = item.source().open()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        size += n;
        if (size > limits.maxBytes()) {
          throw new Unreadable(tooLarge(Math.max(size, item.size()), limits.maxBytes()));
        }
        if (readBytes + size > limits.maxTotalBytes()) {
          throw new Unreadable(tooManyBytes());
        }
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new Unreadable(Text.of("image.damaged", "detail", e.getMessage()));
    }
    if (size == 0) {
      throw new Unreadable(Text.of("predict.empty"));
    }
    readBytes += size;
    return out.toByteArray();
  }

  private Text tooManyBytes() {
    return Text.of("predict.tooManyBytes", "mb", limits.maxTotalBytes() / 1_000_000);
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
    if (upload.name() != null && upload.name().toLowerCase(Locale.ROOT).endsWith(".zip")) {
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

  @Override
  public void close() {
    for (ZipFile zip : zips) {
      try {
        zip.close();
      } catch (IOException e) {
        // The request is answered; a zip that will not close is only a temporary file.
      }
    }
  }
}
