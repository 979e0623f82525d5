package io.kiln.backend.agent;

import io.kiln.backend.common.KilnConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The agent as one download: kiln-agent.jar and the lib/ folder its manifest names, in a zip with
 * one top folder, so the command the Agents page shows works as copied after {@code unzip}.
 */
@ApplicationScoped
public class AgentDistribution {
  /** The folder inside the zip. */
  public static final String FOLDER = "kiln-agent";

  static final String JAR = "kiln-agent.jar";

  private final Optional<Path> folder;

  AgentDistribution(KilnConfig config) {
    this.folder =
        config
            .agents()
            .distribution()
            .map(Path::of)
            .or(
                () ->
                    config
                        .localAgent()
                        .jar()
                        .map(jar -> Path.of(jar).toAbsolutePath().getParent()));
  }

  /** Whether this server has the agent's files, and how big the download is. */
  public AgentDownload about() {
    List<Path> files = files();
    if (files.isEmpty()) {
      return new AgentDownload(false, 0);
    }
    long size = 0;
    for (Path file : files) {
      try {
        size += Files.size(file);
      } catch (IOException e) {
        return new AgentDownload(false, 0);
      }
    }
    return new AgentDownload(true, size);
  }

  /** Writes the zip; jars are compressed already, so the fastest level is enough. */
  void write(OutputStream out) throws IOException {
    Path root = folder.orElseThrow();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.setLevel(Deflater.BEST_SPEED);
      for (Path file : files()) {
        zip.putNextEntry(
            new ZipEntry(FOLDER + "/" + root.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, zip);
        zip.closeEntry();
      }
    }
  }

  /** kiln-agent.jar and lib/*.jar, or nothing when either is missing. */
  private List<Path> files() {
    if (folder.isEmpty()
        || !Files.isRegularFile(folder.get().resolve(JAR))
        || !Files.isDirectory(folder.get().resolve("lib"))) {
      return List.of();
    }
    List<Path> files = new ArrayList<>(List.of(folder.get().resolve(JAR)));
    try (Stream<Path> lib = Files.list(folder.get().resolve("lib"))) {
      lib.filter(f -> f.toString().endsWith(".jar")).sorted().forEach(files::add);
    } catch (IOException e) {
      return List.of();
    }
    return files;
  }

  /**
   * @param available whether the server has the agent's files to offer
   * @param sizeBytes the files' total size (the zip is about as big)
   */
  public record AgentDownload(boolean available, long sizeBytes) {}
}
