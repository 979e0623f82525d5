package io.kiln.agent.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EvaluationTest {
  private static Evaluation evaluate(int classes) {
    List<String> names = new ArrayList<>();
    for (int k = 0; k < classes; k++) {
      names.add("class-" + k);
    }
    Evaluation e = new Evaluation(names);
    for (int k = 0; k < classes; k++) {
      for (int n = 0; n < 5; n++) {
        float[] p = new float[classes];
        // four right, one given to the next class (and class 0 confused with 1 three times)
        int predicted = n < 4 ? k : (k + 1) % classes;
        p[predicted] = 0.9f;
        e.add("img-" + k + "-" + n, k, p);
      }
    }
    return e;
  }

  @Test
  void aFewClassesGetTheWholeMatrix() {
    Map<String, Object> map = evaluate(10).toMap();
    assertTrue(map.containsKey("confusion"));
    assertFalse(map.containsKey("confusedPairs"));
  }

  @Test
  void manyClassesGetTheMostConfusedPairsAndStaySmall() throws Exception {
    Map<String, Object> map = evaluate(1000).toMap();
    assertFalse(map.containsKey("confusion"), "a million numbers would not fit in a message");
    List<?> pairs = (List<?>) map.get("confusedPairs");
    assertEquals(Evaluation.TOP_PAIRS, pairs.size());
    Map<?, ?> first = (Map<?, ?>) pairs.get(0);
    assertEquals(1L, first.get("count"));
    assertEquals(1, first.get("predicted"));
    int bytes = new ObjectMapper().writeValueAsBytes(map).length;
    assertTrue(bytes < 512 * 1024, "the evaluation of 1,000 classes is " + bytes + " bytes");
    assertTrue(((List<?>) map.get("cells")).size() <= Evaluation.TOP_PAIRS);
  }
}
