package io.kiln.backend.dataset;

import io.kiln.backend.common.ApiException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Validates an uploaded zip of class folders and writes the canonical archive agents train from.
 *
 * <p>Accepts {@code class/image.png} at the top level, or the same inside one wrapping folder (what
 * "compress folder" produces). Refuses, with a message naming the file: a file that is not a zip,
 * paths escaping the root, files that are not decodable PNG/JPEG images, fewer than two classes.
 * Operating-system litter (__MACOSX, hidden files and folders, Thumbs.db) is skipped.
 */
final class ArchiveInspector {
  static final long MAX_IMAGE_BYTES = 64L << 20;
  static final long MAX_TOTAL_BYTES = 8L << 30;
  static final int MAX_ENTRIES = 500_000;
  private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

  private ArchiveInspector() {}

  static InspectedArchive inspect(Path upload, Path canonicalTarget) {
    try (ZipFile zip = new ZipFile(upload.toFile())) {
      List<? extends ZipEntry> entries = Collections.list(zip.entries());
      if (entries.size() > MAX_ENTRIES) {
        throw ApiException.badRequest("the archive has " + entries.size() + " entries; the limit is " + MAX_ENTRIES);
      }
      List<ZipEntry> files = new ArrayList<>();
      for (ZipEntry entry : entries) {
        String name = entry.getName();
        checkPath(name);
        if (!entry.isDirectory() && !isLitter(name)) {
          files.add(entry);
        }
      }
      String wrapper = commonWrapper(files);
      TreeMap<String, List<ZipEntry>> byClass = new TreeMap<>();
      for (ZipEntry entry : files) {
        String relative = entry.getName().substring(wrapper.length());
        int slash = relative.indexOf('/');
        if (slash <= 0) {
          throw ApiException.badRequest("'" + entry.getName() + "' is not inside a class folder: put every image in a"
              + " folder named after its class (e.g. cats/1.png, dogs/2.png)");
        }
        byClass.computeIfAbsent(checkClassName(relative.substring(0, slash)), k -> new ArrayList<>()).add(entry);
      }
      if (byClass.isEmpty()) {
        throw ApiException.badRequest("the archive has no class folders with images in them");
      }
      if (byClass.size() < 2) {
        throw ApiException.badRequest("the archive has only one class ('" + byClass.firstKey()
            + "'); a classifier needs at least two class folders");
      }
      return writeCanonical(zip, byClass, canonicalTarget);
    } catch (ZipException e) {
      throw ApiException.badRequest("the file is not a valid zip archive (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw ApiException.badRequest("the archive could not be read: " + e.getMessage());
    }
  }

  private static InspectedArchive writeCanonical(ZipFile zip, TreeMap<String, List<ZipEntry>> byClass, Path target)
      throws IOException {
    LinkedHashMap<String, Integer> counts = new LinkedHashMap<>();
    long total = 0;
    try (OutputStream out = Files.newOutputStream(target); ZipOutputStream canonical = new ZipOutputStream(out)) {
      canonical.setLevel(1);
      for (Map.Entry<String, List<ZipEntry>> cls : byClass.entrySet()) {
        int index = 0;
        for (ZipEntry entry : cls.getValue()) {
          byte[] bytes = readImage(zip, entry);
          total += bytes.length;
          if (total > MAX_TOTAL_BYTES) {
            throw ApiException.badRequest("the archive unpacks to more than " + (MAX_TOTAL_BYTES >> 30) + " GiB");
          }
          String extension = extension(entry.getName());
          canonical.putNextEntry(new ZipEntry(cls.getKey() + "/" + (index++) + extension));
          canonical.write(bytes);
          canonical.closeEntry();
        }
        counts.put(cls.getKey(), cls.getValue().size());
      }
    }
    return new InspectedArchive(target, counts);
  }

  private static byte[] readImage(ZipFile zip, ZipEntry entry) throws IOException {
    String name = entry.getName();
    if (extension(name) == null) {
      throw ApiException.badRequest("'" + name + "' is not an image: only .png, .jpg and .jpeg files are accepted");
    }
    byte[] bytes;
    try (InputStream in = zip.getInputStream(entry)) {
      bytes = in.readNBytes((int) MAX_IMAGE_BYTES + 1);
    }
    if (bytes.length > MAX_IMAGE_BYTES) {
      throw ApiException.badRequest("'" + name + "' is larger than " + (MAX_IMAGE_BYTES >> 20) + " MiB");
    }
    boolean decodable;
    try {
      decodable = ImageIO.read(new ByteArrayInputStream(bytes)) != null;
    } catch (IOException | RuntimeException e) {
      decodable = false;
    }
    if (!decodable) {
      throw ApiException.badRequest("'" + name + "' is not a decodable image (corrupt or not really a PNG/JPEG)");
    }
    return bytes;
  }

  private static void checkPath(String name) {
    String normalized = name.replace('\\', '/');
    boolean escapes = normalized.startsWith("/") || normalized.matches("^[A-Za-z]:.*")
        || List.of(normalized.split("/")).contains("..");
    if (escapes) {
      throw ApiException.badRequest("'" + name + "' points outside the archive; such paths are refused");
    }
  }

  private static String checkClassName(String name) {
    if (name.length() > 100 || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f || "<>\"&".indexOf(c) >= 0)) {
      throw ApiException.badRequest("class folder name '" + name.replaceAll("\\p{Cntrl}", "?")
          + "' is not allowed: use at most 100 characters, without control characters or < > \" &");
    }
    return name;
  }

  /** The single folder every file sits in when the whole dataset was zipped from its parent folder, else "". */
  private static String commonWrapper(List<ZipEntry> files) {
    String first = null;
    for (ZipEntry entry : files) {
      String[] parts = entry.getName().split("/");
      if (parts.length < 3) {
        return "";
      }
      if (first == null) {
        first = parts[0];
      } else if (!first.equals(parts[0])) {
        return "";
      }
    }
    return first == null ? "" : first + "/";
  }

  /** Hidden files and folders (.DS_Store, ._x, .git/) and other operating-system leftovers. */
  private static boolean isLitter(String name) {
    String base = name.substring(name.lastIndexOf('/') + 1);
    return name.startsWith("__MACOSX/") || base.equalsIgnoreCase("Thumbs.db") || base.equalsIgnoreCase("desktop.ini")
        || List.of(name.split("/")).stream().anyMatch(part -> part.startsWith("."));
  }

  private static String extension(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return EXTENSIONS.stream().filter(lower::endsWith).findFirst().orElse(null);
  }
}
