package io.kiln.core.pretrained;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code torchvision_fixture.py} with Debian's Python, which has torch and torchvision. */
final class Torchvision {
  static final Path SCRIPT = Path.of("src/test/resources/torchvision_fixture.py");

  private Torchvision() {}

  static String run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("/usr/bin/python3", SCRIPT.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.waitFor() != 0) {
      throw new IllegalStateException("torchvision fixture failed: " + out);
    }
    return out;
  }
}
