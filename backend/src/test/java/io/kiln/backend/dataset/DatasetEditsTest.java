package io.kiln.backend.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive a label fix makes: moved images keep their split and never overwrite another. */
class DatasetEditsTest {
  @Test
  void movesKeepTheSplitRemovalsLeaveAndNamesNeverCollide(@TempDir Path dir) throws Exception {
    Path source = dir.resolve("source.zip");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(source))) {
      for (String name :
          List.of(
              "kiln-dataset.json",
              "train/cats/a.jpg",
              "train/dogs/a.jpg",
              "val/cats/b.jpg",
              "test/dogs/c.jpg")) {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(name.getBytes());
        zip.closeEntry();
      }
    }
    Path target = dir.resolve("edited.zip");
    DatasetEdits.rewrite(
        source,
        target,
        new DatasetEdits.Edit(
            Map.of("train/cats/a.jpg", "dogs", "val/cats/b.jpg", "dogs"),
            Set.of("test/dogs/c.jpg")));
    List<String> names = new ArrayList<>();
    try (ZipFile zip = new ZipFile(target.toFile())) {
      zip.stream().forEach(e -> names.add(e.getName()));
      assertEquals(
          "train/cats/a.jpg",
          new String(zip.getInputStream(zip.getEntry("train/dogs/a-2.jpg")).readAllBytes()),
          "the moved image keeps its bytes under a free name");
    }
    assertEquals(List.of("train/dogs/a-2.jpg", "train/dogs/a.jpg", "val/dogs/b.jpg"), names);
  }
}
