package io.kiln.backend.predict;

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
  record Item(String name, byte[] bytes, String problem) {
    static Item failed(String name, String problem) {
      return new Item(name, null, problem);
    }
  }

  /** Over {@code maxImages}, the remaining items are refused with a note, not read. */
  static List<Item> items(List<Upload> uploads, long maxBytes, int maxImages) throws IOException {
    List<Item> items = new ArrayList<>();
    for (Upload upload : uploads) {
      if (isZip(upload)) {
        unzip(upload, maxBytes, maxImages, items);
      } else {
        items.add(
            read(
                upload.name(), upload.size(), maxBytes, () -> Files.newInputStream(upload.file())));
      }
    }
    List<Item> out = new ArrayList<>(items.subList(0, Math.min(items.size(), maxImages)));
    for (Item over : items.subList(out.size(), items.size())) {
      out.add(Item.failed(over.name(), "more than " + maxImages + " images in one request"));
    }
    return out;
  }

  private static void unzip(Upload upload, long maxBytes, int maxImages, List<Item> items)
      throws IOException {
    try (ZipFile zip = new ZipFile(upload.file().toFile())) {
      for (ZipEntry entry : Collections.list(zip.entries())) {
        String path = entry.getName();
        String base = path.substring(path.lastIndexOf('/') + 1);
        if (entry.isDirectory() || path.startsWith("__MACOSX/") || base.startsWith(".")) {
          continue;
        }
        String name = upload.name() + "/" + path;
        if (items.size() >= maxImages) {
          items.add(Item.failed(name, "not read"));
          continue;
        }
        items.add(read(name, entry.getSize(), maxBytes, () -> zip.getInputStream(entry)));
      }
    } catch (java.util.zip.ZipException e) {
      items.add(Item.failed(upload.name(), "a damaged .zip file (" + e.getMessage() + ")"));
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
        return Item.failed(name, "the file is empty");
      }
      return new Item(name, bytes, null);
    }
  }

  private static String tooLarge(long size, long maxBytes) {
    return String.format(
        Locale.ROOT,
        "too large (%.1f MB; at most %d MB per image)",
        size / 1e6,
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
