package io.kiln.backend.dataset;

import io.kiln.backend.common.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Serves single images of a dataset version: originals from its archive, and gallery thumbnails.
 */
@ApplicationScoped
public class DatasetImages {
  private final DatasetService datasets;

  DatasetImages(DatasetService datasets) {
    this.datasets = datasets;
  }

  /** An image's bytes and media type. */
  public record Image(byte[] bytes, String contentType) {}

  /**
   * One entry of the canonical archive ({@code split/class/file}); 404 when there is no such image.
   */
  @Transactional
  public Image original(long datasetId, String path) {
    Dataset dataset = DatasetService.find(datasetId);
    return read(datasets.archive(dataset), datasetId, path, contentType(path));
  }

  /** The gallery thumbnail (PNG, at most 96 px) of a canonical image. */
  @Transactional
  public Image thumbnail(long datasetId, String path) {
    Dataset dataset = DatasetService.find(datasetId);
    Path thumbs = datasets.thumbnails(dataset);
    return thumbs == null ? original(datasetId, path) : read(thumbs, datasetId, path, "image/png");
  }

  private static Image read(Path archive, long datasetId, String path, String type) {
    try (ZipFile zip = new ZipFile(archive.toFile())) {
      ZipEntry entry = zip.getEntry(path);
      if (entry == null || entry.isDirectory()) {
        throw new ApiException(404, "dataset " + datasetId + " has no image '" + path + "'");
      }
      try (InputStream in = zip.getInputStream(entry)) {
        return new Image(in.readAllBytes(), type);
      }
    } catch (NoSuchFileException e) {
      // The record is there and its file is not (lost from the data folder or the bucket): say so,
      // naming the file, instead of an unexplained 500.
      throw new ApiException(
          410,
          "the archive of dataset "
              + datasetId
              + " is missing from storage ("
              + archive.getFileName()
              + "): upload the dataset again");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String contentType(String path) {
    String lower = path.toLowerCase(Locale.ROOT);
    return lower.endsWith(".png")
        ? "image/png"
        : lower.endsWith(".gif")
            ? "image/gif"
            : lower.endsWith(".bmp") ? "image/bmp" : "image/jpeg";
  }
}
