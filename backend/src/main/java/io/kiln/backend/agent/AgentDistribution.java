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
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The agent as one download: kiln-agent.jar and the libraries its manifest's Class-Path names (the
 * lib/ folder beside it), in a zip with one top folder, so the command the Agents page shows works
 * as copied after {@code unzip}.
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
    return about(files());
  }

  /** What {@link #write} sends for these files (listed once per download). */
  static AgentDownload about(List<Path> files) {
    long size = 0;
    for (Path file : files) {
      try {
        size += Files.size(file);
      } catch (IOException e) {
        return new AgentDownload(false, 0);
      }
    }
    return new AgentDownload(!files.isEmpty(), size);
  }

  /** Writes the zip of these files; jars are compressed already, so the fastest level is enough. */
  void write(List<Path> files, OutputStream out) throws IOException {
    Path root = folder.orElseThrow();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      zip.setLevel(Deflater.BEST_SPEED);
      for (Path file : files) {
        zip.putNextEntry(
            new ZipEntry(FOLDER + "/" + root.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, zip);
        zip.closeEntry();
      }
    }
  }

  /**
   * kiln-agent.jar and exactly the libraries its manifest's Class-Path names (not whatever else an
   * old build left in lib/); nothing when the jar or any of them is missing.
   */
  List<Path> files() {
    if (folder.isEmpty() || !Files.isRegularFile(folder.get().resolve(JAR))) {
      return List.of();
    }
    Path jar = folder.get().resolve(JAR);
    List<Path> files = new ArrayList<>(List.of(jar));
    try (JarFile opened = new JarFile(jar.toFile())) {
      Manifest manifest = opened.getManifest();
      String classPath =
          manifest == null
              ? null
              : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      for (String entry : classPath == null ? new String[0] : classPath.trim().split("\\s+")) {
        Path library = folder.get().resolve(entry).normalize();
        if (entry.isEmpty()) {
          continue;
        }
        if (!library.startsWith(folder.get()) || !Files.isRegularFile(library)) {
          return List.of();
        }
        files.add(library);
      }
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
