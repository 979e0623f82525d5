package io.kiln.backend.pretrained;

import io.kiln.backend.audit.Audit;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.DataDirectory;
import io.kiln.backend.common.KilnConfig;
import io.kiln.backend.common.ShownText;
import io.kiln.backend.storage.StoredFiles;
import io.kiln.core.i18n.Text;
import io.kiln.core.pretrained.CatalogueEntry;
import io.kiln.core.pretrained.PretrainedCatalogue;
import io.kiln.core.pretrained.StateDict;
import io.kiln.core.pretrained.TorchvisionLayout;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Pretrained starting points (T13): the catalogue's ImageNet weights, fetched once from their
 * source (torchvision's folder or a mirror, {@code kiln.pretrained.source}) or imported by an
 * admin, and state dicts of a catalogue network an admin imports as a team's own weights. Each file
 * is kept once in the blob store; agents fetch it like a dataset (checked, cached, from the
 * bucket).
 *
 * <p>At start the source is asked (a HEAD request per entry) whether it has each file, so the
 * wizard knows whether ImageNet weights can be had before anyone launches; the admin's page asks
 * again on demand.
 */
@ApplicationScoped
public class PretrainedService {
  private static final Logger LOG = Logger.getLogger(PretrainedService.class);

  /** The largest weights file an admin may import (ResNet-50's is 98 MiB). */
  static final long MAX_IMPORT_BYTES = 2L << 30;

  private final KilnConfig config;
  private final StoredFiles files;
  private final DataDirectory dirs;
  private final Audit audit;
  private final WeightsDownload download;

  /** The last answer of the source per catalogue entry: null when it has the file, else why not. */
  private final Map<String, Text> sourceProblems = new ConcurrentHashMap<>();

  private final Map<String, Object> fetchLocks = new ConcurrentHashMap<>();

  private static final Text NOT_ASKED = Text.of("pretrained.notAsked");

  PretrainedService(KilnConfig config, StoredFiles files, DataDirectory dirs, Audit audit) {
    this.config = config;
    this.files = files;
    this.dirs = dirs;
    this.audit = audit;
    this.download = new WeightsDownload(Duration.ofSeconds(config.pretrained().timeoutSeconds()));
    PretrainedCatalogue.ALL.forEach(e -> sourceProblems.put(e.id(), NOT_ASKED));
  }

  void onStart(@Observes StartupEvent start) {
    if (config.pretrained().probe()) {
      Thread probe = new Thread(this::probe, "kiln-pretrained-probe");
      probe.setDaemon(true);
      probe.start();
    }
  }

  /** Asks the source for every catalogue file that is not stored yet. */
  public void probe() {
    for (CatalogueEntry entry : PretrainedCatalogue.ALL) {
      if (QuarkusTransaction.requiringNew().call(() -> stored(entry.id()).isPresent())) {
        continue;
      }
      try {
        download.probe(url(entry));
        sourceProblems.remove(entry.id());
      } catch (WeightsDownload.FailedException e) {
        sourceProblems.put(entry.id(), e.text);
      }
    }
    LOG.infof(
        "pretrained weights: source %s, %d of %d catalogue files reachable or stored",
        config.pretrained().source(),
        PretrainedCatalogue.ALL.size() - sourceProblems.size(),
        PretrainedCatalogue.ALL.size());
  }

  /** The catalogue (with each entry's status) and the imported weights the caller may use. */
  public List<PretrainedView> list(Caller caller) {
    List<PretrainedView> views = new ArrayList<>();
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              for (CatalogueEntry entry : PretrainedCatalogue.ALL) {
                views.add(catalogueView(entry, stored(entry.id()).orElse(null)));
              }
              PretrainedWeights.<PretrainedWeights>find("catalogueId is null", Sort.ascending("id"))
                  .stream()
                  .filter(w -> w.teamId == null || caller == null || caller.sees(w.teamId))
                  .forEach(w -> views.add(importedView(w)));
            });
    return views;
  }

  /**
   * The weights named {@code key} as the caller may start from them ({@code caller} null: anyone,
   * for runs Kiln derives itself); 400 naming the field.
   */
  public PretrainedView resolve(String key, Caller caller) {
    return list(caller).stream()
        .filter(v -> v.key().equals(key))
        .findFirst()
        .orElseThrow(
            () ->
                ApiException.field(
                    400,
                    "pretrainedWeights: no pretrained weights called '" + key + "'",
                    "pretrainedWeights",
                    "no such pretrained weights: import them on the Pretrained weights page"));
  }

  /** A stored file by its key and SHA-256, for the agent that trains from it. */
  public record Stored(String fileKey, String sha256) {}

  /**
   * The stored file of the weights a run names; catalogue weights not stored yet are fetched from
   * their source first (once, whoever asks at the same time waits for it).
   *
   * @throws ApiException 409 saying why the weights cannot be had and what to do
   */
  public Stored file(String key) {
    Optional<PretrainedWeights> found = QuarkusTransaction.requiringNew().call(() -> byKey(key));
    if (found.isPresent()) {
      return new Stored(found.get().fileKey, found.get().sha256);
    }
    CatalogueEntry entry =
        PretrainedCatalogue.find(key)
            .orElseThrow(
                () -> new ApiException(409, "the pretrained weights " + key + " are gone"));
    PretrainedWeights fetched = fetchOnce(entry, "kiln");
    return new Stored(fetched.fileKey, fetched.sha256);
  }

  /** The SHA-256 of stored weights, or null when they are not stored yet. */
  public String sha256(String key) {
    return QuarkusTransaction.requiringNew().call(() -> byKey(key).map(w -> w.sha256).orElse(null));
  }

  /** An admin fetches a catalogue entry's file from its source now. */
  public PretrainedView fetch(String catalogueId, Caller caller) {
    CatalogueEntry entry =
        PretrainedCatalogue.find(catalogueId)
            .orElseThrow(() -> ApiException.notFound("catalogue entry", catalogueId));
    PretrainedWeights weights = fetchOnce(entry, caller.name());
    return catalogueView(entry, weights);
  }

  private PretrainedWeights fetchOnce(CatalogueEntry entry, String by) {
    synchronized (fetchLocks.computeIfAbsent(entry.id(), k -> new Object())) {
      Optional<PretrainedWeights> done =
          QuarkusTransaction.requiringNew().call(() -> stored(entry.id()));
      if (done.isPresent()) {
        return done.get();
      }
      Path temp = dirs.uploads().resolve("weights-" + UUID.randomUUID() + ".part");
      try {
        download.fetch(url(entry), entry.sha256(), entry.bytes(), temp);
      } catch (WeightsDownload.FailedException e) {
        sourceProblems.put(entry.id(), e.text);
        throw new ApiException(409, unavailableDetail(entry, e.text));
      }
      sourceProblems.remove(entry.id());
      PretrainedWeights weights =
          keep(
              temp,
              entry.id(),
              entry.title(),
              entry.architecture(),
              entry.sha256(),
              null,
              by,
              PretrainedWeights.FETCHED);
      audit.recordAlone(
          by, "pretrained-fetched", "pretrained " + entry.id(), url(entry).toString());
      return weights;
    }
  }

  /**
   * An admin imports a weights file: a catalogue entry's published file (known by its SHA-256)
   * becomes that entry; another state dict of a catalogue network becomes the team's own starting
   * point under {@code name}; anything else is refused naming the first tensor that does not fit.
   * Nothing is kept when it is refused.
   */
  public PretrainedView importFile(Path upload, String name, Long teamId, Caller caller) {
    long size;
    String sha256;
    try {
      size = Files.size(upload);
      sha256 = sha256(upload);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (size > MAX_IMPORT_BYTES) {
      throw ApiException.field(
          413, "file: the weights file is larger than 2 GiB", "file", "larger than 2 GiB");
    }
    Optional<CatalogueEntry> entry = PretrainedCatalogue.bySha256(sha256);
    Optional<PretrainedWeights> existing =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    PretrainedWeights.<PretrainedWeights>find("sha256", sha256)
                        .firstResultOptional());
    if (existing.isPresent()) {
      throw new ApiException(
          409,
          "these weights are already on this server as "
              + existing.get().key()
              + " ("
              + existing.get().name
              + ")");
    }
    if (entry.isPresent()) {
      PretrainedWeights weights =
          keep(
              copy(upload),
              entry.get().id(),
              entry.get().title(),
              entry.get().architecture(),
              sha256,
              null,
              caller.name(),
              PretrainedWeights.IMPORTED);
      audit.recordAlone(
          caller.name(), "pretrained-imported", "pretrained " + weights.key(), entry.get().title());
      return catalogueView(entry.get(), weights);
    }
    if (teamId != null
        && QuarkusTransaction.requiringNew().call(() -> io.kiln.backend.auth.Team.findById(teamId))
            == null) {
      throw ApiException.field(
          400, "teamId: team " + teamId + " does not exist", "teamId", "no such team");
    }
    String architecture = architectureOf(upload);
    String label = name == null || name.isBlank() ? null : ShownText.name("name", name.trim());
    if (label == null) {
      throw ApiException.field(
          400,
          "name: these are not the catalogue's published weights; give them a name (e.g. \"ResNet-18"
              + " trained on our parts\")",
          "name",
          "give these weights a name");
    }
    if (label.length() > 200 || label.chars().anyMatch(Character::isISOControl)) {
      throw ApiException.field(
          400, "name: at most 200 characters, no control characters", "name", "not a valid name");
    }
    PretrainedWeights weights =
        keep(
            copy(upload),
            null,
            label,
            architecture,
            sha256,
            teamId,
            caller.name(),
            PretrainedWeights.IMPORTED);
    audit.recordAlone(caller.name(), "pretrained-imported", "pretrained " + weights.key(), label);
    return importedView(weights);
  }

  /** The catalogue architecture the state dict fills, or 400 naming the first misfit. */
  private static String architectureOf(Path upload) {
    try (StateDict dict = StateDict.open(upload)) {
      TorchvisionLayout.Fit fit = TorchvisionLayout.fit(dict.shapes());
      if (!fit.fits()) {
        throw ApiException.field(
            400,
            "file: these weights fit none of Kiln's pretrainable networks ("
                + String.join(", ", TorchvisionLayout.ARCHITECTURES)
                + "): "
                + fit.problem(),
            "file",
            fit.problem());
      }
      return fit.architecture();
    } catch (StateDict.NotAStateDictException e) {
      throw ApiException.field(
          400,
          "file: not PyTorch weights Kiln can read: " + e.getMessage(),
          "file",
          e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kept in the blob store before the row that names it; removed again if the row fails. */
  private PretrainedWeights keep(
      Path file,
      String catalogueId,
      String name,
      String architecture,
      String sha256,
      Long teamId,
      String by,
      String source) {
    String key = "pretrained/" + sha256 + ".pth";
    long size;
    try {
      size = Files.size(file);
      DataDirectory.privateFile(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    files.keep(file, key);
    try {
      return QuarkusTransaction.requiringNew()
          .call(
              () -> {
                PretrainedWeights w = new PretrainedWeights();
                w.catalogueId = catalogueId;
                w.name = name;
                w.architecture = architecture;
                w.sha256 = sha256;
                w.sizeBytes = size;
                w.fileKey = key;
                w.teamId = teamId;
                w.source = source;
                w.createdAt = Instant.now();
                w.createdBy = by;
                w.persist();
                return w;
              });
    } catch (RuntimeException e) {
      files.delete(key);
      throw e;
    } finally {
      file.toFile().delete();
    }
  }

  private Path copy(Path upload) {
    Path copy = dirs.uploads().resolve("weights-" + UUID.randomUUID() + ".pth");
    try {
      Files.copy(upload, copy);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return copy;
  }

  private static Optional<PretrainedWeights> stored(String catalogueId) {
    return PretrainedWeights.<PretrainedWeights>find("catalogueId", catalogueId)
        .firstResultOptional();
  }

  private static Optional<PretrainedWeights> byKey(String key) {
    if (key.startsWith("imported-")) {
      try {
        return Optional.ofNullable(
                PretrainedWeights.<PretrainedWeights>findById(
                    Long.parseLong(key.substring("imported-".length()))))
            .filter(w -> w.catalogueId == null);
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
    return stored(key);
  }

  private URI url(CatalogueEntry entry) {
    return URI.create(entry.url(config.pretrained().source()));
  }

  private PretrainedView catalogueView(CatalogueEntry entry, PretrainedWeights stored) {
    Text problem = sourceProblems.get(entry.id());
    String status =
        stored != null
            ? PretrainedView.STORED
            : problem == null ? PretrainedView.DOWNLOADABLE : PretrainedView.UNAVAILABLE;
    Text detail =
        stored != null
            ? (PretrainedWeights.FETCHED.equals(stored.source)
                ? Text.of("pretrained.detail.fetched", "url", url(entry))
                : Text.of("pretrained.detail.imported", "who", stored.createdBy))
            : problem == null
                ? Text.of("pretrained.detail.onFirstUse", "url", url(entry))
                : problem == NOT_ASKED
                    ? Text.of("pretrained.detail.notAsked", "source", config.pretrained().source())
                    : unavailableDetail(entry, problem);
    return new PretrainedView(
        entry.id(),
        entry.title(),
        entry.architecture(),
        "catalogue",
        status,
        detail.english(),
        url(entry).toString(),
        entry.sha256(),
        entry.bytes(),
        entry.imagenetTop1(),
        null,
        stored == null ? null : stored.createdBy,
        stored == null ? null : stored.createdAt,
        detail);
  }

  private static Text unavailableDetail(CatalogueEntry entry, Text problem) {
    return Text.of("pretrained.detail.unavailable", "problem", problem, "file", entry.fileName());
  }

  private static PretrainedView importedView(PretrainedWeights w) {
    Text detail = Text.of("pretrained.detail.imported", "who", w.createdBy);
    return new PretrainedView(
        w.key(),
        w.name,
        w.architecture,
        "imported",
        PretrainedView.STORED,
        detail.english(),
        null,
        w.sha256,
        w.sizeBytes,
        null,
        w.teamId,
        w.createdBy,
        w.createdAt,
        detail);
  }

  static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
