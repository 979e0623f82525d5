package io.kiln.backend.common;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The folders under {@code kiln.data-dir}; storage code asks here rather than building paths
 * itself.
 */
@ApplicationScoped
public class DataDirectory {
  private final Path root;

  DataDirectory(KilnConfig config) {
    this.root = Path.of(config.dataDir()).toAbsolutePath().normalize();
  }

  /**
   * Nothing is being uploaded while the backend starts, so whatever an earlier process left in the
   * upload folder (it died half way through an upload) is removed.
   */
  void onStart(@Observes StartupEvent event) throws IOException {
    Path uploads = uploads();
    try (Stream<Path> files = Files.walk(uploads)) {
      files.filter(Files::isRegularFile).forEach(p -> p.toFile().delete());
    }
  }

  public Path root() {
    return root;
  }

  public Path datasets() {
    return folder("datasets");
  }

  public Path models() {
    return folder("models");
  }

  public Path backbones() {
    return folder("backbones");
  }

  public Path uploads() {
    return folder("uploads");
  }

  private Path folder(String name) {
    try {
      return Files.createDirectories(root.resolve(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + root.resolve(name), e);
    }
  }
}
