package io.kiln.backend.dataset;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.kiln.backend.support.Api;
import io.kiln.backend.support.TestArchives;
import io.kiln.backend.support.TestZips;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A corpus of bad and hostile archives, generated here (no committed binaries). Each is refused
 * with its exact error kind and a message naming the problem, and leaves no file and no row behind.
 * The test profile lowers the size limits (24 MiB unpacked, 3,000 entries) so bombs stay small.
 */
@QuarkusTest
class HostileArchivesTest {
  @ConfigProperty(name = "kiln.data-dir")
  String dataDir;

  static Stream<Arguments> corpus() {
    TestArchives ok = TestArchives.create().images("cats", 3).images("dogs", 3);
    return Stream.of(
        zip("empty upload", new byte[0], "empty-upload", "the uploaded file is empty"),
        zip(
            "text, not an archive",
            "hello, I am text".getBytes(StandardCharsets.UTF_8),
            "not-an-archive",
            "not a .zip or .tar.gz archive"),
        zip("truncated zip", half(ok.zip()), "corrupt-archive", "incomplete or damaged"),
        tar(
            "truncated tar.gz",
            half(TestArchives.create().images("cats", 20).images("dogs", 20).tarGz()),
            "corrupt-archive",
            "upload it again"),
        zip(
            "path escape",
            TestArchives.create().images("cats", 3).file("../evil/x.png", png(1)).zip(),
            "path-escape",
            "'../evil/x.png' points outside the archive"),
        tar(
            "path escape in tar",
            TestArchives.create().images("cats", 3).file("cats/../../x.png", png(1)).tarGz(),
            "path-escape",
            "points outside the archive"),
        zip(
            "backslash escape",
            TestArchives.create().images("cats", 3).file("..\\..\\x.png", png(1)).zip(),
            "path-escape",
            "points outside the archive"),
        zip(
            "absolute path",
            TestArchives.create().images("cats", 3).file("/etc/x.png", png(1)).zip(),
            "absolute-path",
            "'/etc/x.png' is an absolute path"),
        tar(
            "absolute path in tar",
            TestArchives.create().images("cats", 3).file("/tmp/x.png", png(1)).tarGz(),
            "absolute-path",
            "is an absolute path"),
        zip(
            "drive letter",
            TestArchives.create().images("cats", 3).file("C:/Windows/x.png", png(1)).zip(),
            "absolute-path",
            "is an absolute path"),
        zip(
            "symlink in zip",
            TestArchives.create()
                .images("cats", 3)
                .images("dogs", 3)
                .symlink("dogs/passwd.png", "/etc/passwd")
                .zip(),
            "link",
            "'dogs/passwd.png' is a link"),
        tar(
            "symlink in tar",
            TestArchives.create()
                .images("cats", 3)
                .images("dogs", 3)
                .symlink("dogs/passwd.png", "/etc/passwd")
                .tarGz(),
            "link",
            "'dogs/passwd.png' is a link"),
        tar(
            "hard link in tar",
            TestArchives.create()
                .images("cats", 3)
                .images("dogs", 3)
                .hardlink("dogs/x.png", "/etc/shadow")
                .tarGz(),
            "link",
            "is a link"),
        tar(
            "fifo in tar",
            TestArchives.create().images("cats", 3).fifo("cats/pipe").tarGz(),
            "special-file",
            "'cats/pipe' is a device, pipe or other special file"),
        zip(
            "zip bomb (ratio)",
            TestArchives.create().images("cats", 3).file("cats/bomb.png", new byte[20 << 20]).zip(),
            "compression-bomb",
            "'cats/bomb.png' unpacks to more than 200 times its compressed size"),
        tar(
            "gzip bomb (ratio)",
            TestArchives.create()
                .images("cats", 3)
                .file("cats/bomb.png", new byte[20 << 20])
                .tarGz(),
            "compression-bomb",
            "looks like a zip bomb"),
        zip("too large unpacked", manyMegabytes(30), "too-large", "unpacks to more than 24 MiB"),
        zip(
            "too many entries",
            manyEntries(3001),
            "too-many-entries",
            "more than 3000 files and folders"),
        zip(
            "nested zip",
            TestArchives.create()
                .images("cats", 3)
                .images("dogs", 3)
                .file("dogs/more.zip", ok.zip())
                .zip(),
            "nested-archive",
            "'dogs/more.zip' is an archive inside"),
        zip(
            "nested tar.gz",
            TestArchives.create()
                .images("cats", 3)
                .images("dogs", 3)
                .file("dogs/more.tar.gz", ok.tarGz())
                .zip(),
            "nested-archive",
            "is an archive inside the archive"),
        zip(
            "zip disguised as png",
            TestArchives.create()
                .images("cats", 3)
                .images("dogs", 3)
                .file("dogs/photo.png", ok.zip())
                .zip(),
            "nested-archive",
            "'dogs/photo.png' is an archive inside"),
        zip(
            "control character",
            TestArchives.create().images("cats", 3).file("cats/bell\u0007.png", png(2)).zip(),
            "control-characters",
            "'cats/bell?.png' contains a control"),
        zip(
            "newline in class",
            TestArchives.create().images("cats", 3).images("do\ngs", 3).zip(),
            "control-characters",
            "contains a control"),
        zip(
            "direction override",
            TestArchives.create().images("cats", 3).file("cats/gnp.\u202Eexe.png", png(3)).zip(),
            "control-characters",
            "direction-changing"),
        zip(
            "zero-width space in a class folder",
            TestArchives.create().images("cats", 3).images("ca\u200Bts", 3).zip(),
            "control-characters",
            "'ca?ts/"),
        zip(
            "byte-order mark in a class folder",
            TestArchives.create().images("dogs", 3).images("\uFEFFcats", 3).zip(),
            "control-characters",
            "invisible"),
        tar(
            "name too long",
            TestArchives.create()
                .images("cats", 3)
                .file("cats/" + "a".repeat(300) + ".png", png(5))
                .tarGz(),
            "name-too-long",
            "at most 255 characters"),
        zip(
            "duplicate entry",
            TestArchives.create()
                .images("cats", 3)
                .images("dogs", 3)
                .file("dogs/0.png", png(6))
                .zip(),
            "duplicate-entry",
            "lists 'dogs/0.png' twice"),
        zip(
            "encrypted entries",
            TestArchives.create().images("cats", 3).images("dogs", 3).encrypted().zip(),
            "encrypted",
            "is encrypted"),
        zip(
            "image bomb",
            TestArchives.create()
                .images("cats", 3)
                .file("dogs/huge.png", pngHeader(100_000, 100_000))
                .images("dogs", 3)
                .zip(),
            "image-bomb",
            "claims 100000 x 100000 pixels"),
        zip(
            "mixed layout",
            TestArchives.create().images("train/cats", 3).images("dogs", 3).zip(),
            "mixed-layout",
            "mixes split folders"),
        zip(
            "class missing from train",
            TestArchives.create()
                .images("train/cats", 3)
                .images("train/dogs", 3)
                .images("val/birds", 3)
                .zip(),
            "class-missing-from-train",
            "class 'birds' has images in val/test"),
        zip(
            "single class",
            TestArchives.create().images("cats", 5).zip(),
            "single-class",
            "only one class ('cats')"),
        zip(
            "no images",
            TestArchives.create().file("cats/a.txt", png(7)).file("readme.md", png(8)).zip(),
            "no-images",
            "no usable images"),
        zip(
            "only loose files",
            TestArchives.create().file("a.png", png(9)).file("b.png", png(10)).zip(),
            "no-images",
            "no usable images"),
        zip(
            "class of one image",
            TestArchives.create().images("cats", 5).images("dogs", 1).zip(),
            "too-few-images",
            "class 'dogs' has only one image"),
        tar(
            "a text file that is a bomb counts like an image (issue 30)",
            TestArchives.create()
                .images("cats", 3)
                .images("dogs", 3)
                .file("cats/notes.txt", new byte[30 << 20])
                .tarGz(),
            "compression-bomb",
            "'cats/notes.txt' unpacks to more than 200 times"),
        zip(
            "every image undecodable",
            TestArchives.create()
                .file("cats/a.png", new byte[] {1, 2, 3})
                .file("dogs/b.png", new byte[] {4, 5, 6})
                .zip(),
            "no-images",
            "no usable images"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void isRefusedWithItsErrorAndLeavesNothingBehind(
      String label, byte[] archive, String fileName, String kind, String message) throws Exception {
    int rowsBefore = Api.as().get("/api/datasets").jsonPath().getList("$").size();
    List<Path> filesBefore = files();
    Api.as()
        .multiPart("file", fileName, archive, "application/octet-stream")
        .post("/api/datasets")
        .then()
        .statusCode(400)
        .contentType(ContentType.JSON)
        .body("error", containsString(message))
        .body("findings[-1].kind", equalTo(kind))
        .body("findings[-1].severity", equalTo("error"))
        .body("findings[-1].action", equalTo("refused the dataset"));
    assertEquals(
        rowsBefore, Api.as().get("/api/datasets").jsonPath().getList("$").size(), "no row added");
    assertEquals(filesBefore, settledFiles(filesBefore), "no file left behind");
  }

  private static Arguments zip(String label, byte[] bytes, String kind, String message) {
    return Arguments.of(label, bytes, "upload.zip", kind, message);
  }

  private static Arguments tar(String label, byte[] bytes, String kind, String message) {
    return Arguments.of(label, bytes, "upload.tar.gz", kind, message);
  }

  private static byte[] png(int seed) {
    return TestZips.noise(seed, 8, 8);
  }

  private static byte[] half(byte[] bytes) {
    return Arrays.copyOf(bytes, bytes.length / 2);
  }

  /** Entries of 1 MiB of zeros each: each compresses well, but together they exceed the limit. */
  private static byte[] manyMegabytes(int count) {
    TestArchives archive = TestArchives.create();
    for (int i = 0; i < count; i++) {
      archive.file((i % 2 == 0 ? "cats/" : "dogs/") + i + ".png", new byte[1 << 20]);
    }
    return archive.zip();
  }

  private static byte[] manyEntries(int count) {
    TestArchives archive = TestArchives.create();
    for (int i = 0; i < count; i++) {
      archive.file("cats/" + i + ".txt", new byte[] {1});
    }
    return archive.zip();
  }

  /** A PNG whose header claims the given size; its (tiny) pixel data never matches. */
  private static byte[] pngHeader(int width, int height) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      DataOutputStream data = new DataOutputStream(out);
      data.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
      ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
      DataOutputStream header = new DataOutputStream(ihdr);
      header.writeInt(width);
      header.writeInt(height);
      header.write(new byte[] {8, 0, 0, 0, 0});
      chunk(data, "IHDR", ihdr.toByteArray());
      chunk(data, "IDAT", new byte[] {0x78, (byte) 0x9c, 3, 0, 0, 0, 0, 1});
      chunk(data, "IEND", new byte[0]);
      return out.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void chunk(DataOutputStream out, String type, byte[] body) throws IOException {
    out.writeInt(body.length);
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    out.write(name);
    out.write(body);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(body);
    out.writeInt((int) crc.getValue());
  }

  /** Every file under the data directory but the database, sorted. */
  private List<Path> files() throws IOException {
    Path root = Path.of(dataDir);
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.filter(Files::isRegularFile)
          .filter(p -> !p.startsWith(root.resolve("db")))
          .sorted()
          .toList();
    }
  }

  /**
   * The files once the server's multipart clean-up has run (it may finish just after the reply).
   */
  private List<Path> settledFiles(List<Path> expected) throws Exception {
    List<Path> now = files();
    for (int i = 0; i < 50 && !now.equals(expected); i++) {
      Thread.sleep(100);
      now = files();
    }
    return now;
  }
}
