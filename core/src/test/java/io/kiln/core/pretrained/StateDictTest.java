package io.kiln.core.pretrained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State dicts saved by PyTorch itself (both layouts torch.save has written) read without Python,
 * Kiln's own writing read back by PyTorch, and files that are not weights refused with a reason.
 */
class StateDictTest {
  @TempDir static Path dir;
  static Path zip;
  static Path legacy;

  @BeforeAll
  static void saveWithPyTorch() throws Exception {
    zip = dir.resolve("resnet18-zip.pth");
    legacy = dir.resolve("resnet18-legacy.pth");
    Torchvision.run("save", "resnet-18", zip.toString(), "zip", "10", "3");
    Torchvision.run("save", "resnet-18", legacy.toString(), "legacy", "10", "3");
  }

  @Test
  void bothLayoutsGiveTorchvisionsTensorsAndTheSameValues() throws Exception {
    try (StateDict a = StateDict.open(zip);
        StateDict b = StateDict.open(legacy)) {
      Map<String, long[]> shapes = a.shapes();
      TorchvisionLayout.Fit fit = TorchvisionLayout.fit(shapes);
      assertTrue(fit.fits(), fit.problem());
      assertEquals("resnet-18", fit.architecture());
      for (TorchvisionLayout.Tensor t : TorchvisionLayout.tensors("resnet-18", 10)) {
        assertArrayEquals(t.shape(), shapes.get(t.name()), t.name());
        assertArrayEquals(a.floats(t.name()), b.floats(t.name()), t.name());
      }
      assertEquals(StateDict.DataType.INT64, a.tensors().get("bn1.num_batches_tracked").type());
    }
  }

  @Test
  void valuesAreThoseTorchSaved() throws Exception {
    JsonNode sums =
        new ObjectMapper().readTree(Torchvision.run("sums", "resnet-18", zip.toString(), "10"));
    try (StateDict dict = StateDict.open(zip)) {
      for (String name : new String[] {"conv1.weight", "layer3.1.bn2.running_var", "fc.bias"}) {
        double sum = 0;
        for (float v : dict.floats(name)) {
          sum += v;
        }
        assertEquals(sums.get(name).asDouble(), sum, 1e-3 * Math.max(1, Math.abs(sum)), name);
      }
    }
  }

  @Test
  void whatKilnWritesPyTorchLoadsIntoTorchvision() throws Exception {
    Map<String, StateDictWriter.Values> tensors = new LinkedHashMap<>();
    try (StateDict original = StateDict.open(zip)) {
      for (TorchvisionLayout.Tensor t : TorchvisionLayout.tensors("resnet-18", 10)) {
        tensors.put(t.name(), new StateDictWriter.Values(t.shape(), original.floats(t.name())));
      }
    }
    Path written = dir.resolve("kiln-written.pth");
    StateDictWriter.write(written, tensors);
    try (StateDict back = StateDict.open(written)) {
      assertArrayEquals(
          tensors.get("layer4.0.downsample.0.weight").data(),
          back.floats("layer4.0.downsample.0.weight"));
    }
    JsonNode fromKiln =
        new ObjectMapper().readTree(Torchvision.run("sums", "resnet-18", written.toString(), "10"));
    JsonNode fromTorch =
        new ObjectMapper().readTree(Torchvision.run("sums", "resnet-18", zip.toString(), "10"));
    assertEquals(fromTorch, fromKiln);
  }

  @Test
  void checkpointsAndDataParallelNamesAreUnwrapped() throws Exception {
    Path wrapped = dir.resolve("wrapped.pth");
    Files.writeString(
        dir.resolve("wrap.py"),
        "import torch,sys\n"
            + "sd = torch.load(sys.argv[1])\n"
            + "torch.save({'epoch': 3, 'state_dict': {'module.' + k: v for k, v in sd.items()}},"
            + " sys.argv[2])\n");
    Process p =
        new ProcessBuilder(
                "/usr/bin/python3",
                dir.resolve("wrap.py").toString(),
                zip.toString(),
                wrapped.toString())
            .inheritIO()
            .start();
    assertEquals(0, p.waitFor());
    try (StateDict dict = StateDict.open(wrapped)) {
      assertTrue(TorchvisionLayout.fit(dict.shapes()).fits());
    }
  }

  @Test
  void filesThatAreNotWeightsAreRefusedWithTheReason() throws Exception {
    Path text = Files.writeString(dir.resolve("notes.pth"), "just some text");
    assertEquals(
        "the file is not PyTorch weights saved with torch.save (neither its zip nor its older"
            + " layout)",
        assertThrows(StateDict.NotAStateDictException.class, () -> StateDict.open(text))
            .getMessage());

    Path noPickle = dir.resolve("other.zip");
    try (OutputStream out = Files.newOutputStream(noPickle);
        ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("photo.jpg"));
      z.write(1);
    }
    assertEquals(
        "the zip holds no data.pkl: it is not PyTorch weights",
        assertThrows(StateDict.NotAStateDictException.class, () -> StateDict.open(noPickle))
            .getMessage());

    // A pickle of a plain list, and one whose string claims 2 GB: refused, nothing allocated.
    Path list = dir.resolve("list.pth");
    zipWithPickle(list, new byte[] {(byte) 0x80, 2, ']', '.'});
    assertTrue(
        assertThrows(StateDict.NotAStateDictException.class, () -> StateDict.open(list))
            .getMessage()
            .startsWith("the file holds no tensors by name"));
    Path huge = dir.resolve("huge.pth");
    zipWithPickle(
        huge, new byte[] {(byte) 0x80, 2, 'X', (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f, 'a'});
    assertTrue(
        assertThrows(StateDict.NotAStateDictException.class, () -> StateDict.open(huge))
            .getMessage()
            .contains("runs past the end"));
  }

  @Test
  void halfPrecisionIsWidened() {
    assertEquals(1.0f, StateDict.halfToFloat((short) 0x3c00));
    assertEquals(-2.0f, StateDict.halfToFloat((short) 0xc000));
    assertEquals(6.1035156e-5f, StateDict.halfToFloat((short) 0x0400));
    assertEquals(5.9604645e-8f, StateDict.halfToFloat((short) 0x0001));
    assertTrue(Float.isInfinite(StateDict.halfToFloat((short) 0x7c00)));
  }

  private static void zipWithPickle(Path file, byte[] pickle) throws Exception {
    try (OutputStream out = Files.newOutputStream(file);
        ZipOutputStream z = new ZipOutputStream(out)) {
      z.putNextEntry(new ZipEntry("archive/data.pkl"));
      z.write(pickle);
      z.putNextEntry(new ZipEntry("archive/version"));
      z.write("3\n".getBytes(StandardCharsets.US_ASCII));
    }
  }
}
