package io.kiln.core.pretrained;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Kiln's idea of torchvision's state dicts against torchvision's own (Debian's package). */
class TorchvisionLayoutTest {
  @ParameterizedTest
  @ValueSource(strings = {"resnet-18", "resnet-34", "resnet-50", "mobilenet-v2"})
  void everyTensorIsTorchvisionsInItsOrderAndShape(String architecture) throws Exception {
    JsonNode real = new ObjectMapper().readTree(Torchvision.run("layout", architecture));
    List<TorchvisionLayout.Tensor> expected = new ArrayList<>();
    for (JsonNode t : real) {
      long[] shape = new long[t.get(1).size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = t.get(1).get(i).asLong();
      }
      expected.add(new TorchvisionLayout.Tensor(t.get(0).asText(), shape));
    }
    assertEquals(expected, TorchvisionLayout.tensors(architecture, 1000));
  }

  @Test
  void aStateDictIsRecognisedWhateverItsClassCount() {
    Map<String, long[]> dict = shapes("resnet-50", 7);
    dict.put("layer1.0.bn1.num_batches_tracked", new long[0]);
    TorchvisionLayout.Fit fit = TorchvisionLayout.fit(dict);
    assertTrue(fit.fits(), fit.problem());
    assertEquals("resnet-50", fit.architecture());
    assertEquals("resnet-18", TorchvisionLayout.fit(shapes("resnet-18", 1000)).architecture());
    assertEquals("resnet-34", TorchvisionLayout.fit(shapes("resnet-34", 2)).architecture());
    assertEquals("mobilenet-v2", TorchvisionLayout.fit(shapes("mobilenet-v2", 10)).architecture());
  }

  @Test
  void theFirstTensorThatDoesNotFitIsNamed() {
    Map<String, long[]> wrongShape = shapes("resnet-18", 10);
    wrongShape.put("layer2.0.conv1.weight", new long[] {128, 64, 5, 5});
    TorchvisionLayout.Fit fit = TorchvisionLayout.fit(wrongShape);
    assertFalse(fit.fits());
    assertEquals("resnet-18", fit.architecture());
    assertEquals(
        "tensor 'layer2.0.conv1.weight' has shape [128, 64, 5, 5] where resnet-18 needs"
            + " [128, 64, 3, 3]",
        fit.problem());

    Map<String, long[]> missing = shapes("resnet-18", 10);
    missing.remove("layer4.1.bn2.running_var");
    assertEquals(
        "tensor 'layer4.1.bn2.running_var' is missing: resnet-18 needs it",
        TorchvisionLayout.fit(missing).problem());

    Map<String, long[]> extra = shapes("mobilenet-v2", 10);
    extra.put("features.19.0.weight", new long[] {10, 10, 1, 1});
    assertEquals(
        "tensor 'features.19.0.weight' [10, 10, 1, 1] is not part of mobilenet-v2 (the closest"
            + " network Kiln knows)",
        TorchvisionLayout.fit(extra).problem());

    Map<String, long[]> gray = shapes("resnet-18", 10);
    gray.put("conv1.weight", new long[] {64, 1, 7, 7});
    assertTrue(TorchvisionLayout.fit(gray).problem().startsWith("tensor 'conv1.weight'"));
  }

  private static Map<String, long[]> shapes(String architecture, int classes) {
    Map<String, long[]> map = new LinkedHashMap<>();
    TorchvisionLayout.tensors(architecture, classes).forEach(t -> map.put(t.name(), t.shape()));
    return map;
  }
}
