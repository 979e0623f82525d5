package io.kiln.backend.common;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The folders under {@code kiln.data-dir}; storage code asks here rather than building paths itself. */
@ApplicationScoped
public class DataDirectory {
  private final Path root;

  DataDirectory(KilnConfig config) {
    this.root = Path.of(config.dataDir()).toAbsolutePath().normalize();
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
