package io.kiln.backend.dataset;

import java.nio.file.Path;
import java.util.LinkedHashMap;

/** The result of validating an upload: a canonical archive in a temporary file and its class counts. */
record InspectedArchive(Path canonicalZip, LinkedHashMap<String, Integer> classCounts) {
  int imageCount() {
    return classCounts.values().stream().mapToInt(Integer::intValue).sum();
  }
}
