package io.kiln.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AgentMainTest {
  @Test
  void helpSaysHowToStartAnAgent() throws Exception {
    PrintStream before = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      AgentMain.main(new String[] {"--help"});
    } finally {
      System.setOut(before);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(
        text.startsWith("Usage: java -XX:+UseSerialGC -jar kiln-agent.jar --server URL"), text);
    assertTrue(text.contains("--token TOKEN"), text);
  }

  @Test
  void errorsAreOneShortLine() {
    assertEquals("a b c", AgentMain.oneLine("a\n  b\tc "));
    assertEquals(301, AgentMain.oneLine("x".repeat(500)).length());
    assertEquals("failed", AgentMain.oneLine(null));
  }

  @Test
  void severalReplicasAddressesAreTriedInTurn() {
    assertEquals(
        java.util.List.of(
            java.net.URI.create("http://a:8080/"), java.net.URI.create("https://b.example.com/k/")),
        AgentMain.servers("http://a:8080, https://b.example.com/k/"));
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> AgentMain.servers(" , "));
  }
}
