package io.kiln.backend.backbone;

import io.kiln.backend.audit.Audit;
import io.kiln.backend.auth.Caller;
import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.DataDirectory;
import io.kiln.backend.storage.StoredFiles;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Stores uploaded TorchScript backbones after checking that the file is one. */
@ApplicationScoped
public class BackboneService {
  private final DataDirectory dirs;

  private final Audit audit;

  private final StoredFiles files;

  BackboneService(DataDirectory dirs, Audit audit, StoredFiles files) {
    this.files = files;
    this.dirs = dirs;
    this.audit = audit;
  }

  /** Checks and stores the upload; on any error nothing is left on disk or in the database. */
  public BackboneView create(String name, Path upload, Caller caller) {
    checkTorchScript(upload);
    Backbone backbone = new Backbone();
    // Kept under a key of its own before the transaction (an upload to object storage may take
    // longer than a transaction may), removed again if the transaction fails.
    String key = "backbones/" + UUID.randomUUID() + ".pt";
    Path copy = copy(upload, dirs.uploads().resolve("backbone-" + UUID.randomUUID() + ".pt"));
    files.keep(copy, key);
    try {
      QuarkusTransaction.requiringNew()
          .run(
              () -> {
                backbone.name = name;
                backbone.filePath = key;
                backbone.createdAt = Instant.now();
                backbone.createdBy = caller.name();
                backbone.teamId = caller.teamForNew();
                backbone.sizeBytes = size(upload);
                backbone.persist();
              });
    } catch (RuntimeException e) {
      files.delete(key);
      throw e;
    } finally {
      copy.toFile().delete();
    }
    audit.recordAlone(caller.name(), "backbone-uploaded", "backbone " + backbone.id, name);
    return view(backbone);
  }

  @Transactional
  public List<BackboneView> list(Caller caller) {
    return caller
        .listScope()
        .map(teams -> Backbone.<Backbone>find("teamId in ?1", Sort.descending("id"), teams))
        .orElseGet(() -> Backbone.findAll(Sort.descending("id")))
        .stream()
        .map(BackboneService::view)
        .toList();
  }

  /** The stored file of backbone {@code id}; 404 when there is none. */
  @Transactional
  public Path file(long id) {
    Backbone backbone = Backbone.findById(id);
    if (backbone == null) {
      throw ApiException.notFound("backbone", id);
    }
    return files.local(backbone.filePath);
  }

  /** A TorchScript file is a zip holding {@code <name>/data.pkl} and {@code <name>/code/...}. */
  static void checkTorchScript(Path upload) {
    try (ZipFile zip = new ZipFile(upload.toFile())) {
      List<? extends ZipEntry> entries = Collections.list(zip.entries());
      boolean data = entries.stream().anyMatch(e -> e.getName().endsWith("/data.pkl"));
      boolean code = entries.stream().anyMatch(e -> e.getName().contains("/code/"));
      if (!data || !code) {
        throw notTorchScript();
      }
    } catch (IOException e) {
      throw notTorchScript();
    }
  }

  private static ApiException notTorchScript() {
    return ApiException.badRequest(
        "this is not a TorchScript file: export the network with torch.jit.trace or"
            + " torch.jit.script and save it (model.save(\"backbone.pt\")), with its classifier removed"
            + " (e.g. model.fc = torch.nn.Identity())");
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path copy(Path from, Path to) {
    try {
      return DataDirectory.privateFile(Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static BackboneView view(Backbone b) {
    return new BackboneView(b.id, b.name, b.sizeBytes, b.createdAt, b.createdBy);
  }
}
