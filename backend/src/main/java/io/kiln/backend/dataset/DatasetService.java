package io.kiln.backend.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.DataDirectory;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Stores validated datasets: the archive on disk and a row in the database, both or neither. */
@ApplicationScoped
public class DatasetService {
  private static final TypeReference<LinkedHashMap<String, Integer>> COUNTS = new TypeReference<>() {};
  private final DataDirectory dirs;
  private final ObjectMapper json;

  DatasetService(DataDirectory dirs, ObjectMapper json) {
    this.dirs = dirs;
    this.json = json;
  }

  /** Validates {@code upload} and stores it; on any error nothing is left on disk or in the database. */
  public DatasetView create(String name, Path upload, String user) {
    Path temp = dirs.uploads().resolve("canonical-" + UUID.randomUUID() + ".zip");
    try {
      InspectedArchive archive = ArchiveInspector.inspect(upload, temp);
      Dataset dataset = new Dataset();
      dataset.name = name;
      dataset.classCounts = json.writeValueAsString(archive.classCounts());
      dataset.imageCount = archive.imageCount();
      dataset.sizeBytes = Files.size(temp);
      dataset.createdAt = Instant.now();
      dataset.createdBy = user;
      Path[] moved = new Path[1];
      try {
        QuarkusTransaction.requiringNew().run(() -> {
          dataset.archivePath = "pending";
          dataset.persist();
          dataset.archivePath = "datasets/" + dataset.id + ".zip";
          moved[0] = move(temp, dirs.root().resolve(dataset.archivePath));
        });
      } catch (RuntimeException e) {
        if (moved[0] != null) {
          deleteQuietly(moved[0]);
        }
        throw e;
      }
      return view(dataset);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteQuietly(temp);
    }
  }

  @Transactional
  public List<DatasetView> list() {
    List<DatasetView> views = new ArrayList<>();
    for (Dataset d : Dataset.<Dataset>listAll(io.quarkus.panache.common.Sort.descending("id"))) {
      views.add(view(d));
    }
    return views;
  }

  @Transactional
  public DatasetView get(long id) {
    return view(find(id));
  }

  /** The dataset or a 404 naming the id. */
  public static Dataset find(long id) {
    Dataset dataset = Dataset.findById(id);
    if (dataset == null) {
      throw ApiException.notFound("dataset", id);
    }
    return dataset;
  }

  /** An image's bytes and media type. */
  public record Image(byte[] bytes, String contentType) {}

  /** Reads one entry of the dataset's canonical archive; 404 when there is no such image. */
  @Transactional
  public Image image(long datasetId, String path) {
    Dataset dataset = find(datasetId);
    try (ZipFile zip = new ZipFile(archive(dataset).toFile())) {
      ZipEntry entry = zip.getEntry(path);
      if (entry == null || entry.isDirectory()) {
        throw new ApiException(404, "dataset " + datasetId + " has no image '" + path + "'");
      }
      try (InputStream in = zip.getInputStream(entry)) {
        String lower = path.toLowerCase(Locale.ROOT);
        String type = lower.endsWith(".png") ? "image/png" : lower.endsWith(".gif") ? "image/gif" : "image/jpeg";
        return new Image(in.readAllBytes(), type);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Path archive(Dataset dataset) {
    return dirs.root().resolve(dataset.archivePath);
  }

  public LinkedHashMap<String, Integer> classCounts(Dataset dataset) {
    try {
      return json.readValue(dataset.classCounts, COUNTS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt class counts of dataset " + dataset.id, e);
    }
  }

  DatasetView view(Dataset d) {
    LinkedHashMap<String, Integer> counts = classCounts(d);
    return new DatasetView(d.id, d.name, List.copyOf(counts.keySet()), counts, d.imageCount, d.sizeBytes,
        d.createdAt, d.createdBy);
  }

  private static Path move(Path from, Path to) {
    try {
      Files.createDirectories(to.getParent());
      return Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store the dataset archive", e);
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // best effort: a leftover temp file is harmless and is overwritten by nobody
    }
  }
}
