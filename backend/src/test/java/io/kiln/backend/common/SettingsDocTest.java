package io.kiln.backend.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/settings.md documents every setting: each key of {@link KilnConfig} (found by reflection,
 * nested groups included) has a row in its backend table with the right environment variable and
 * default, and the table has no row for a key {@code KilnConfig} no longer has. Every option the
 * agent reads (AgentMain) has a row in the agent table. Plain JUnit: no application starts.
 */
class SettingsDocTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path DOC = ROOT.resolve("docs/settings.md");
  private static final Path AGENT_MAIN =
      ROOT.resolve("gpu-agent/src/main/java/io/kiln/agent/AgentMain.java");

  /** One setting: its key, environment variable and {@code @WithDefault} (null when none). */
  record Setting(String key, String env, String defaultValue) {}

  /** One row of a documentation table: its first three cells, backticks removed. */
  record Row(String key, String env, String defaultCell) {}

  @Test
  void everyKilnConfigSettingIsInTheSettingsDocWithItsVariableAndDefault() throws IOException {
    Map<String, Setting> settings = settings(KilnConfig.class);
    assertTrue(settings.containsKey("kiln.storage.s3.bucket"), "the walk found nested settings");
    assertTrue(settings.containsKey("kiln.data-dir"), "the walk found top-level settings");

    Map<String, Row> rows = rows(section(read(DOC), "## Backend settings"), "`kiln.");
    List<String> problems = new ArrayList<>();
    for (Setting setting : settings.values()) {
      Row row = rows.get(setting.key());
      if (row == null) {
        problems.add(setting.key() + " (" + setting.env() + ") has no row");
        continue;
      }
      if (!setting.env().equals(row.env())) {
        problems.add(setting.key() + ": variable is " + setting.env() + ", not " + row.env());
      }
      if (setting.defaultValue() != null
          && !row.defaultCell().contains("`" + setting.defaultValue() + "`")) {
        problems.add(
            setting.key()
                + ": default is `"
                + setting.defaultValue()
                + "`, the doc says "
                + row.defaultCell());
      }
    }
    for (String key : rows.keySet()) {
      if (!settings.containsKey(key)) {
        problems.add(key + " is documented but KilnConfig has no such setting");
      }
    }
    assertEquals(List.of(), problems, "docs/settings.md against KilnConfig");
  }

  @Test
  void everyOptionTheAgentReadsIsInTheAgentTable() throws IOException {
    String source = read(AGENT_MAIN);
    Set<String> options = new TreeSet<>();
    Matcher read =
        Pattern.compile(
                "(?:options\\.(?:get|getOrDefault|containsKey)\\(|required\\(options, )"
                    + "\"([a-z-]+)\"")
            .matcher(source);
    while (read.find()) {
      options.add("--" + read.group(1));
    }
    assertTrue(options.contains("--server"), "found the agent's options in AgentMain: " + options);

    Set<String> documented = new TreeSet<>();
    for (String key : rows(section(read(DOC), "## Agent settings"), "`--").keySet()) {
      documented.add(key.split(" ")[0]);
    }
    List<String> missing = new ArrayList<>();
    for (String option : options) {
      if (!documented.contains(option)) {
        missing.add(option);
      }
    }
    assertEquals(List.of(), missing, "agent options missing from docs/settings.md");
  }

  /** Every leaf setting of a {@code @ConfigMapping} interface, by key, in declaration order. */
  static Map<String, Setting> settings(Class<?> mapping) {
    ConfigMapping annotation = mapping.getAnnotation(ConfigMapping.class);
    Map<String, Setting> out = new LinkedHashMap<>();
    walk(mapping, annotation.prefix(), annotation.namingStrategy(), out);
    return out;
  }

  private static void walk(
      Class<?> group,
      String prefix,
      ConfigMapping.NamingStrategy naming,
      Map<String, Setting> out) {
    for (Method m : group.getMethods()) {
      if (Modifier.isStatic(m.getModifiers())
          || m.isDefault()
          || m.isSynthetic()
          || m.getParameterCount() > 0
          || m.getReturnType() == void.class) {
        continue;
      }
      String key;
      if (m.isAnnotationPresent(WithParentName.class)) {
        key = prefix;
      } else {
        WithName name = m.getAnnotation(WithName.class);
        String segment = name != null ? name.value() : name(m.getName(), naming);
        key = prefix.isEmpty() ? segment : prefix + "." + segment;
      }
      Class<?> type = valueType(m);
      if (isGroup(type)) {
        walk(type, key, naming, out);
      } else {
        WithDefault value = m.getAnnotation(WithDefault.class);
        out.put(key, new Setting(key, env(key), value == null ? null : value.value()));
      }
    }
  }

  /** The type a method gives, looking inside {@code Optional<T>}. */
  private static Class<?> valueType(Method m) {
    if (m.getReturnType() == Optional.class
        && m.getGenericReturnType() instanceof ParameterizedType optional) {
      Type inner = optional.getActualTypeArguments()[0];
      if (inner instanceof Class<?> c) {
        return c;
      }
    }
    return m.getReturnType();
  }

  /** A nested group is an interface of the application (not a JDK or framework value type). */
  private static boolean isGroup(Class<?> type) {
    return type.isInterface()
        && !type.getName().startsWith("java.")
        && !type.getName().startsWith("io.quarkus.")
        && !type.getName().startsWith("io.smallrye.");
  }

  /** A method name as its key segment (maxImageBytes: max-image-bytes by default). */
  static String name(String method, ConfigMapping.NamingStrategy naming) {
    String separator =
        switch (naming) {
          case VERBATIM -> null;
          case SNAKE_CASE -> "_";
          default -> "-";
        };
    if (separator == null) {
      return method;
    }
    return method
        .replaceAll("([a-z0-9])([A-Z])", "$1" + separator + "$2")
        .replaceAll("([A-Z])([A-Z][a-z])", "$1" + separator + "$2")
        .toLowerCase();
  }

  /**
   * Quarkus' environment variable for a key: kiln.storage.s3.part-mib is KILN_STORAGE_S3_PART_MIB.
   */
  static String env(String key) {
    return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
  }

  private static String read(Path file) throws IOException {
    assertTrue(Files.isRegularFile(file), file + " exists");
    return Files.readString(file);
  }

  /** The text from {@code heading} to the next heading of the same level. */
  private static String section(String markdown, String heading) {
    int start = markdown.indexOf("\n" + heading + "\n");
    assertTrue(start >= 0, "docs/settings.md has a section '" + heading + "'");
    int from = start + heading.length() + 2;
    int end = markdown.indexOf("\n## ", from);
    return end < 0 ? markdown.substring(from) : markdown.substring(from, end);
  }

  /** The table rows of {@code text} whose first cell starts with {@code firstCell}, by key. */
  private static Map<String, Row> rows(String text, String firstCell) {
    Map<String, Row> rows = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      String trimmed = line.trim();
      if (!trimmed.startsWith("| " + firstCell)) {
        continue;
      }
      String[] cells = trimmed.split("\\|");
      String key = unquote(cells[1]);
      assertTrue(rows.put(key, new Row(key, unquote(cells[2]), cells[3].trim())) == null, key);
    }
    assertTrue(!rows.isEmpty(), "found table rows starting with " + firstCell);
    return rows;
  }

  private static String unquote(String cell) {
    return cell.trim().replace("`", "");
  }
}
