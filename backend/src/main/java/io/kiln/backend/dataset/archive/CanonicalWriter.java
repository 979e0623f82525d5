package io.kiln.backend.dataset.archive;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.core.data.DecodeBudget;
import io.kiln.core.data.ImagePixels;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * The second pass: copies the kept images into the canonical archive agents train from ({@code
 * split/class/file} plus a {@value #MANIFEST} manifest) and renders the gallery thumbnails.
 */
final class CanonicalWriter {
  static final String MANIFEST = "kiln-dataset.json";
  static final int THUMBNAILS_PER_CLASS = 8;
  static final int THUMBNAIL_SIZE = 96;

  private CanonicalWriter() {}

  /**
   * Writes both archives and returns the gallery: class to the canonical names of its thumbnails.
   */
  static Map<String, List<String>> write(
      Path upload,
      Validation.Plan plan,
      Map<String, Object> manifest,
      Path canonical,
      Path thumbnails,
      DecodeBudget budget)
      throws IOException {
    Map<String, Scanned> byRawName = new HashMap<>();
    plan.kept().forEach(s -> byRawName.put(s.rawName(), s));
    Map<String, List<String>> gallery = gallery(plan);
    Set<String> thumbed = new HashSet<>();
    gallery.values().forEach(thumbed::addAll);
    // Buffered: a zip writes each header field separately, which unbuffered is one system call
    // each.
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(canonical), 1 << 16);
        ZipOutputStream zip = new ZipOutputStream(out);
        OutputStream thumbOut =
            new BufferedOutputStream(Files.newOutputStream(thumbnails), 1 << 16);
        ZipOutputStream thumbs = new ZipOutputStream(thumbOut);
        ArchiveReader reader = ArchiveReader.open(upload)) {
      zip.setLevel(Deflater.BEST_SPEED);
      zip.putNextEntry(new ZipEntry(MANIFEST));
      zip.write(new ObjectMapper().writeValueAsBytes(manifest));
      zip.closeEntry();
      reader.forEach(
          (entry, content) -> {
            Scanned kept =
                entry.kind() == ArchiveEntry.Kind.FILE ? byRawName.get(entry.name()) : null;
            if (kept == null) {
              return;
            }
            byte[] bytes = content.readNBytes((int) Math.min(Integer.MAX_VALUE - 16, 1L << 30));
            zip.putNextEntry(stored(kept.canonicalName(), bytes));
            zip.write(bytes);
            zip.closeEntry();
            if (thumbed.contains(kept.canonicalName())) {
              thumbs.putNextEntry(new ZipEntry(kept.canonicalName()));
              thumbs.write(thumbnail(bytes, budget));
              thumbs.closeEntry();
            }
          });
    }
    return gallery;
  }

  /** Images are compressed already: storing them saves the time deflating them again would cost. */
  private static ZipEntry stored(String name, byte[] bytes) {
    ZipEntry entry = new ZipEntry(name);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(bytes.length);
    entry.setCompressedSize(bytes.length);
    entry.setCrc(crc.getValue());
    return entry;
  }

  /** The first training images of each class, by name. */
  private static Map<String, List<String>> gallery(Validation.Plan plan) {
    Map<String, List<String>> gallery = new LinkedHashMap<>();
    Map<String, TreeMap<String, Scanned>> train = new HashMap<>();
    for (Scanned s : plan.kept()) {
      if (s.split().equals("train")) {
        train.computeIfAbsent(s.className(), k -> new TreeMap<>()).put(s.canonicalName(), s);
      }
    }
    for (String cls : plan.classNames()) {
      gallery.put(
          cls,
          train.getOrDefault(cls, new TreeMap<>()).keySet().stream()
              .limit(THUMBNAILS_PER_CLASS)
              .toList());
    }
    return gallery;
  }

  /** Read subsampled (a thumbnail needs few pixels) and upright, within the decode budget. */
  private static byte[] thumbnail(byte[] bytes, DecodeBudget budget) throws IOException {
    BufferedImage source =
        ImagePixels.read(bytes, Long.MAX_VALUE, THUMBNAIL_SIZE, budget, Duration.ofMinutes(10))
            .image();
    double scale =
        Math.min(1.0, (double) THUMBNAIL_SIZE / Math.max(source.getWidth(), source.getHeight()));
    int w = Math.max(1, (int) Math.round(source.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(source.getHeight() * scale));
    BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = small.createGraphics();
    g.setRenderingHint(
        RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(source, 0, 0, w, h, null);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(small, "png", out);
    return out.toByteArray();
  }
}
