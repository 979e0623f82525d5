package io.kiln.backend.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every action the code records is one the admin's filter offers ({@link Audit#ACTIONS}), and the
 * audit page names each in plain words in both languages (issue 31: drains were missing from the
 * filter; the page showed "run-launched").
 */
class AuditActionsTest {
  private static final Pattern RECORDED =
      Pattern.compile(
          "audit\\s*\\.record(?:Alone)?\\(\\s*[^,]+,\\s*(?:[^\"]*\\?\\s*)?\"([a-z.-]+)\"");
  private static final Pattern LITERAL = Pattern.compile("\"((?:agent|run|user)-[a-z-]+)\"");

  @Test
  void everyRecordedActionIsInTheFilter() throws Exception {
    Set<String> recorded = new TreeSet<>();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        if (!source.contains("audit.record")) {
          continue;
        }
        Matcher m = RECORDED.matcher(source);
        while (m.find()) {
          recorded.add(m.group(1));
        }
        // Actions chosen by a condition (drained ? "agent-drained" : "agent-undrained").
        Matcher literal = LITERAL.matcher(source);
        while (literal.find()) {
          if (source.contains("audit.record")) {
            recorded.add(literal.group(1));
          }
        }
      }
    }
    recorded.removeAll(Audit.ACTIONS);
    assertEquals(Set.of(), recorded, "actions recorded but missing from Audit.ACTIONS");
  }

  @Test
  void theAuditPageNamesEveryActionInBothLanguages() throws Exception {
    for (String bundle : new String[] {"en.json", "zh-CN.json"}) {
      JsonNode messages =
          new ObjectMapper()
              .readTree(Files.readString(Path.of("../frontend/src/messages/" + bundle)));
      Set<String> missing = new TreeSet<>();
      for (String action : Audit.ACTIONS) {
        if (!messages.has("audit.action." + action)) {
          missing.add(action);
        }
      }
      assertEquals(Set.of(), missing, "audit.action.* missing in " + bundle);
    }
  }
}
