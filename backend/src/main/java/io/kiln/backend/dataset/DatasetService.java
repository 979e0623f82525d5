package io.kiln.backend.dataset;

import com.fasterxml.jackson.core.type.TypeReference;
import io.kiln.backend.audit.Audit;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.DataDirectory;
import io.kiln.backend.common.DecodeMemory;
import io.kiln.backend.common.Json;
import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.dataset.archive.ArchiveRefused;
import io.kiln.backend.dataset.archive.DatasetImporter;
import io.kiln.backend.dataset.archive.Finding;
import io.kiln.backend.dataset.archive.ImportLimits;
import io.kiln.backend.dataset.archive.ImportResult;
import io.kiln.backend.dataset.archive.SplitOptions;
import io.kiln.backend.storage.StoredFiles;
import io.kiln.core.data.StratifiedSplit;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Stores validated dataset versions: the canonical archive and thumbnails on disk and a row in the
 * database, all or nothing.
 */
@ApplicationScoped
public class DatasetService {
  private static final TypeReference<LinkedHashMap<String, Integer>> COUNTS =
      new TypeReference<>() {};
  private final DataDirectory dirs;
  private final Json json;
  private final ImportLimits limits;

  private final Audit audit;
  private final StoredFiles files;
  private final DecodeMemory decoding;

  DatasetService(
      DataDirectory dirs,
      Json json,
      KilnConfig config,
      Audit audit,
      StoredFiles files,
      DecodeMemory decoding) {
    this.decoding = decoding;
    this.audit = audit;
    this.files = files;
    this.dirs = dirs;
    this.json = json;
    KilnConfig.Datasets d = config.datasets();
    this.limits =
        new ImportLimits(
            d.maxUncompressed().asLongValue(),
            d.maxEntries(),
            d.maxCompressionRatio(),
            d.maxImageSize().asLongValue(),
            d.maxImagePixels(),
            d.fewImagesPerClass());
  }

  /** What a new version is: a fresh dataset, or the next version of an existing one. */
  public record Target(String name, Long versionOf) {}

  /**
   * Validates {@code upload} and stores it as a dataset version; on any error nothing is left on
   * disk or in the database.
   */
  public DatasetView create(Target target, Path upload, SplitOptions split, Caller caller) {
    Dataset base = target.versionOf() == null ? null : baseOf(target.versionOf(), caller);
    String tag = UUID.randomUUID().toString();
    Path canonical = dirs.uploads().resolve("canonical-" + tag + ".zip");
    Path thumbs = dirs.uploads().resolve("thumbs-" + tag + ".zip");
    try {
      ImportResult result = importArchive(upload, split, canonical, thumbs);
      Dataset dataset = new Dataset();
      dataset.name = target.name() != null ? target.name() : base != null ? base.name : "dataset";
      dataset.classCounts = json.write(totals(result));
      dataset.imageCount = result.imageCount();
      dataset.details = json.write(result);
      dataset.sizeBytes = Files.size(canonical);
      dataset.createdAt = Instant.now();
      dataset.createdBy = caller.name();
      dataset.teamId = base != null ? base.teamId : caller.teamForNew();
      store(dataset, base, canonical, thumbs);
      audit.recordAlone(
          caller.name(),
          "dataset-uploaded",
          "dataset " + dataset.id,
          dataset.name + " v" + dataset.version + ", " + dataset.imageCount + " images");
      return get(dataset.id, caller);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteQuietly(canonical);
      deleteQuietly(thumbs);
    }
  }

  /** A new version of dataset {@code id} with the same images split anew (ratio and seed, T16). */
  public DatasetView resplit(long id, SplitOptions split, Caller caller) {
    Dataset dataset = QuarkusTransaction.requiringNew().call(() -> visible(id, caller));
    return create(
        new Target(dataset.name, id),
        archive(dataset),
        new SplitOptions("auto", split.valPercent(), split.testPercent(), split.seed()),
        caller);
  }

  private ImportResult importArchive(Path upload, SplitOptions split, Path canonical, Path thumbs)
      throws IOException {
    try {
      return DatasetImporter.importArchive(
          upload, limits, decoding.budget(), split, canonical, thumbs);
    } catch (ArchiveRefused refused) {
      List<Finding> findings =
          refused.findings().isEmpty()
              ? List.of(Finding.refusal(refused.kind(), refused.text()))
              : refused.findings();
      throw new ApiException(400, refused.text()).withFindings(findings);
    }
  }

  /**
   * Keeps the archives (under keys of their own, before the transaction: an upload to object
   * storage may take longer than a transaction may), then records the dataset; on failure the kept
   * archives are removed again.
   */
  private void store(Dataset dataset, Dataset base, Path canonical, Path thumbs) {
    String tag = UUID.randomUUID().toString();
    String archiveKey = "datasets/" + tag + ".zip";
    String thumbnailsKey = "datasets/" + tag + "-thumbnails.zip";
    List<String> kept = new ArrayList<>();
    try {
      String sha256 = sha256(canonical);
      files.keep(canonical, archiveKey);
      kept.add(archiveKey);
      files.keep(thumbs, thumbnailsKey);
      kept.add(thumbnailsKey);
      QuarkusTransaction.requiringNew()
          .run(
              () -> {
                dataset.archivePath = archiveKey;
                dataset.thumbnailsPath = thumbnailsKey;
                dataset.sha256 = sha256;
                if (base != null) {
                  dataset.lineageId = base.lineageId;
                  dataset.version =
                      1
                          + Dataset.<Dataset>find(
                                  "lineageId", Sort.descending("version"), base.lineageId)
                              .firstResult()
                              .version;
                } else {
                  dataset.version = 1;
                }
                dataset.persist();
                if (base == null) {
                  dataset.lineageId = dataset.id;
                }
              });
    } catch (RuntimeException e) {
      kept.forEach(files::delete);
      if (base != null && isConstraintViolation(e)) {
        throw new ApiException(
            409,
            "another version of dataset "
                + base.lineageId
                + " was stored at the same moment;"
                + " upload again to make the next one");
      }
      throw e;
    }
  }

  private static boolean isConstraintViolation(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof org.hibernate.exception.ConstraintViolationException) {
        return true;
      }
    }
    return false;
  }

  private static Dataset baseOf(long id, Caller caller) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              Dataset base = Dataset.findById(id);
              if (base == null || !caller.sees(base.teamId)) {
                throw ApiException.field(
                    400,
                    "versionOf: dataset " + id + " does not exist",
                    "versionOf",
                    "no such dataset");
              }
              return base;
            });
  }

  @Transactional
  public List<DatasetView> list(Caller caller) {
    var datasets =
        caller
            .listScope()
            .map(teams -> Dataset.<Dataset>find("teamId in ?1", Sort.descending("id"), teams))
            .orElseGet(() -> Dataset.findAll(Sort.descending("id")));
    return datasets.stream().map(d -> view(d, List.of())).toList();
  }

  @Transactional
  public DatasetView get(long id, Caller caller) {
    Dataset dataset = visible(id, caller);
    List<DatasetView.VersionRef> versions =
        Dataset.<Dataset>find("lineageId", Sort.ascending("version"), dataset.lineageId).stream()
            .map(d -> new DatasetView.VersionRef(d.id, d.version, d.createdAt, d.imageCount))
            .toList();
    return view(dataset, versions);
  }

  /** The dataset if the caller sees its team, else a 404 naming the id. */
  @Transactional
  public Dataset visible(long id, Caller caller) {
    Dataset dataset = find(id);
    caller.see(dataset.teamId, "dataset", id);
    return dataset;
  }

  /** The dataset or a 404 naming the id. */
  public static Dataset find(long id) {
    Dataset dataset = Dataset.findById(id);
    if (dataset == null) {
      throw ApiException.notFound("dataset", id);
    }
    return dataset;
  }

  /** A local copy of the dataset's archive (see {@link StoredFiles#local}). */
  public Path archive(Dataset dataset) {
    return files.local(dataset.archivePath);
  }

  /** The thumbnails archive, or null for a dataset imported before thumbnails existed. */
  public Path thumbnails(Dataset dataset) {
    return dataset.thumbnailsPath == null ? null : files.local(dataset.thumbnailsPath);
  }

  public LinkedHashMap<String, Integer> classCounts(Dataset dataset) {
    return json.read(dataset.classCounts, COUNTS, "class counts of dataset " + dataset.id);
  }

  /**
   * Images a run trains on (the advisor's and the presets' dataset size, T13; the agent's steps per
   * epoch): the training split of a dataset with splits; for an older dataset without them, what
   * remains after the recipe's validation share. The one place this is decided.
   */
  public int trainImages(Dataset dataset, double validationFraction) {
    ImportResult details = details(dataset);
    return details != null
        ? details.trainImages()
        : StratifiedSplit.approximateTrainCount(dataset.imageCount, validationFraction);
  }

  /**
   * Images a run validates on (how sure its accuracy is, T16): the version's validation split; for
   * an older dataset without splits, the recipe's validation share of it.
   */
  public int validationImages(Dataset dataset, double validationFraction) {
    Integer val = splitImages(dataset).get("val");
    return val != null
        ? val
        : dataset.imageCount
            - StratifiedSplit.approximateTrainCount(dataset.imageCount, validationFraction);
  }

  /**
   * What the images are like, for fitting a recipe to them (T17): colour or gray, and their typical
   * shorter side (0 when unknown).
   */
  public record Images(int count, boolean colour, int typicalSide) {}

  public Images images(Dataset dataset) {
    ImportResult details = details(dataset);
    if (details == null || details.statistics() == null) {
      return new Images(dataset.imageCount, false, 0);
    }
    return new Images(
        dataset.imageCount, details.statistics().colour(), details.statistics().typicalSide());
  }

  /**
   * Images per split ("train", "val", "test") of the version's own split, for the model card; empty
   * for a dataset imported before splits existed (the recipe's validation share split it).
   */
  public Map<String, Integer> splitImages(Dataset dataset) {
    ImportResult details = details(dataset);
    if (details == null
        || details.splitCounts() == null
        || !details.splitCounts().containsKey("val")) {
      return Map.of();
    }
    Map<String, Integer> sizes = new LinkedHashMap<>();
    details
        .splitCounts()
        .forEach(
            (split, perClass) ->
                sizes.put(split, perClass.values().stream().mapToInt(Integer::intValue).sum()));
    return sizes;
  }

  ImportResult details(Dataset dataset) {
    return json.read(dataset.details, ImportResult.class, "details of dataset " + dataset.id);
  }

  DatasetView view(Dataset d, List<DatasetView.VersionRef> versions) {
    LinkedHashMap<String, Integer> counts = classCounts(d);
    ImportResult details = details(d);
    DatasetView.SplitInfo split =
        details == null
            ? new DatasetView.SplitInfo(null, null, null, null)
            : new DatasetView.SplitInfo(
                details.splitMode(), details.valPercent(), details.testPercent(), details.seed());
    return new DatasetView(
        d.id,
        d.name,
        d.lineageId == null ? d.id : d.lineageId,
        d.version,
        List.copyOf(counts.keySet()),
        counts,
        d.imageCount,
        d.sizeBytes,
        d.createdAt,
        d.createdBy,
        details == null ? Map.of("train", counts) : details.splitCounts(),
        details == null ? List.of() : details.findings(),
        details == null ? null : details.statistics(),
        details == null ? Map.of() : details.gallery(),
        split,
        versions);
  }

  private static Map<String, Integer> totals(ImportResult result) {
    Map<String, Integer> totals = new LinkedHashMap<>();
    for (String cls : result.classNames()) {
      totals.put(
          cls, result.splitCounts().values().stream().mapToInt(m -> m.getOrDefault(cls, 0)).sum());
    }
    return totals;
  }

  private static String sha256(Path file) {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return java.util.HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dataset archive", e);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // best effort: a leftover temporary file is removed at the next start (DataDirectory)
    }
  }
}
