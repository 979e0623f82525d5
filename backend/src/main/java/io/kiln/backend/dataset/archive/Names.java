package io.kiln.backend.dataset.archive;

import io.kiln.core.text.HiddenCharacters;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Rules for archive member names: what is refused as hostile, what is skipped as litter. */
final class Names {
  static final int MAX_SEGMENT = 255;
  static final int MAX_PATH = 1000;
  static final List<String> IMAGE_EXTENSIONS =
      List.of(".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff");

  /** Photo formats people have that Kiln cannot read yet, by extension, with their name. */
  static final Map<String, String> UNSUPPORTED_PHOTOS =
      Map.of(".heic", "HEIC", ".heif", "HEIF", ".avif", "AVIF", ".jxl", "JPEG XL");

  private static final Set<String> ARCHIVE_EXTENSIONS =
      Set.of(".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar", ".jar", ".zst");

  private Names() {}

  /**
   * Refuses names that escape the root, are absolute, are too long, or hold characters that cannot
   * be shown safely (control, direction-changing and invisible ones: {@link HiddenCharacters}).
   * Everything else is people's words ({@code salt & pepper}, quotes, {@code <}, {@code >},
   * backticks): the pages show names as text, never as markup.
   */
  static void check(String name) {
    String printable = printable(name);
    String unified = name.replace('\\', '/');
    if (unified.startsWith("/") || unified.matches("^[A-Za-z]:.*")) {
      throw ArchiveRefused.of("absolute-path", "name", printable);
    }
    for (String segment : unified.split("/")) {
      if (segment.equals("..")) {
        throw ArchiveRefused.of("path-escape", "name", printable);
      }
    }
    if (name.length() > MAX_PATH
        || List.of(unified.split("/")).stream().anyMatch(s -> s.length() > MAX_SEGMENT)) {
      throw ArchiveRefused.of(
          "name-too-long",
          "name",
          printable.substring(0, Math.min(60, printable.length())),
          "max",
          MAX_SEGMENT);
    }
    if (HiddenCharacters.first(name) != null) {
      throw ArchiveRefused.of("control-characters", "name", printable);
    }
  }

  /** The name with hidden characters shown as '?', safe to put in a message. */
  static String printable(String name) {
    return HiddenCharacters.printable(name);
  }

  /** Hidden files and folders (.DS_Store, ._x, .git/) and other operating-system leftovers. */
  static boolean isLitter(String name) {
    String base = base(name);
    return name.startsWith("__MACOSX/")
        || base.equalsIgnoreCase("Thumbs.db")
        || base.equalsIgnoreCase("desktop.ini")
        || List.of(name.split("/")).stream().anyMatch(part -> part.startsWith("."));
  }

  static boolean isImageName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return IMAGE_EXTENSIONS.stream().anyMatch(lower::endsWith);
  }

  /** The name of an unsupported photo format of this file ("HEIC"), or null. */
  static String unsupportedPhoto(String name) {
    String lower = base(name).toLowerCase(Locale.ROOT);
    int dot = lower.lastIndexOf('.');
    return dot < 0 ? null : UNSUPPORTED_PHOTOS.get(lower.substring(dot));
  }

  static boolean isArchiveName(String name) {
    String lower = base(name).toLowerCase(Locale.ROOT);
    int dot = lower.lastIndexOf('.');
    return dot >= 0 && ARCHIVE_EXTENSIONS.contains(lower.substring(dot));
  }

  /** Zip, gzip, 7z, rar, bzip2 and xz signatures. */
  static boolean looksLikeArchive(byte[] head) {
    return startsWith(head, 'P', 'K', 3, 4)
        || startsWith(head, 0x1f, 0x8b)
        || startsWith(head, '7', 'z', 0xbc, 0xaf)
        || startsWith(head, 'R', 'a', 'r', '!')
        || startsWith(head, 'B', 'Z', 'h')
        || startsWith(head, 0xfd, '7', 'z');
  }

  private static boolean startsWith(byte[] head, int... magic) {
    if (head.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xff) != magic[i]) {
        return false;
      }
    }
    return true;
  }

  static String base(String name) {
    String trimmed = name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    return trimmed.substring(trimmed.lastIndexOf('/') + 1);
  }
}
