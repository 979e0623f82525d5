package io.kiln.backend.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kiln.backend.common.KilnConfig;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of deploy/ without a cluster (issue 17): every manifest parses, the kinds,
 * images, ports and probes are the ones Kiln serves, every environment variable a manifest or the
 * compose file gives Kiln's backend or agent names a real setting, and where kubectl is installed
 * {@code kubectl kustomize} builds them. ({@code kubectl apply --dry-run=client} asks an API server
 * what the kinds are, so it needs a cluster; none runs here.)
 */
class DeploymentFilesTest {
  private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();
  private static final YAMLMapper YAML = new YAMLMapper();

  /** Quarkus settings the deployment files set (all else they set is Kiln's own). */
  private static final Set<String> QUARKUS =
      Set.of(
          "QUARKUS_DATASOURCE_JDBC_URL",
          "QUARKUS_DATASOURCE_USERNAME",
          "QUARKUS_DATASOURCE_PASSWORD",
          "QUARKUS_HTTP_PORT",
          // The proxy the ingress is: its X-Forwarded-For is the client's address (issue 30).
          "QUARKUS_HTTP_PROXY_PROXY_ADDRESS_FORWARDING",
          "QUARKUS_HTTP_PROXY_ALLOW_X_FORWARDED",
          "QUARKUS_HTTP_PROXY_TRUSTED_PROXIES");

  /** What the agent reads from its environment (AgentMain, the JVM and glibc). */
  private static final Set<String> AGENT =
      Set.of("KILN_SERVER", "KILN_ENROLLMENT_TOKEN", "GLIBC_TUNABLES", "OPT_OUT_TRACKING");

  @Test
  void theManifestsHaveTheKindsAClusterNeeds() throws IOException {
    Map<String, JsonNode> byName = manifests();
    Set<String> kinds = new TreeSet<>();
    byName.values().forEach(m -> kinds.add(m.path("kind").asText()));
    assertTrue(
        kinds.containsAll(Set.of("ConfigMap", "Secret", "Deployment", "Service", "Ingress")),
        kinds.toString());

    JsonNode backend = byName.get("Deployment/kiln-backend");
    assertTrue(backend.at("/spec/replicas").asInt() >= 2, "two or more backend replicas");
    JsonNode container = backend.at("/spec/template/spec/containers/0");
    assertTrue(container.path("image").asText().startsWith("kiln-backend"));
    assertEquals(8080, container.at("/ports/0/containerPort").asInt());
    assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
    assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
    JsonNode annotations = backend.at("/spec/template/metadata/annotations");
    assertEquals("/q/metrics", annotations.path("prometheus.io/path").asText());
    assertEquals(
        "kiln-backend",
        byName
            .get("Service/kiln-backend")
            .at("/spec/selector")
            .path("app.kubernetes.io/name")
            .asText());

    JsonNode ingress = byName.get("Ingress/kiln").at("/metadata/annotations");
    assertTrue(
        ingress.path("nginx.ingress.kubernetes.io/proxy-read-timeout").asInt() >= 3600,
        "WebSockets stay open for hours");

    JsonNode agents = byName.get("Deployment/kiln-agent").at("/spec/template/spec");
    JsonNode agent = agents.at("/containers/0");
    assertTrue(agent.path("image").asText().startsWith("kiln-agent"));
    assertEquals(1, agent.at("/resources/limits").path("nvidia.com/gpu").asInt());
    assertFalse(agents.path("nodeSelector").isEmpty(), "agents go to GPU nodes");
    boolean tokenFromSecret = false;
    for (JsonNode env : agent.path("env")) {
      tokenFromSecret |=
          "KILN_ENROLLMENT_TOKEN".equals(env.path("name").asText())
              && env.at("/valueFrom/secretKeyRef/name").asText().equals("kiln-agent-enrollment");
    }
    assertTrue(tokenFromSecret, "the enrollment token comes from a Secret");
  }

  @Test
  void everyEnvironmentVariableNamesARealSetting() throws IOException {
    Set<String> backendKeys = new TreeSet<>(QUARKUS);
    settings(KilnConfig.class, "KILN", backendKeys);
    List<String> unknown = new ArrayList<>();
    for (JsonNode m : manifests().values()) {
      String kind = m.path("kind").asText();
      String name = m.at("/metadata/name").asText();
      if (kind.equals("ConfigMap") || (kind.equals("Secret") && name.equals("kiln"))) {
        m.path(kind.equals("ConfigMap") ? "data" : "stringData")
            .fieldNames()
            .forEachRemaining(k -> check(k, backendKeys, name, unknown));
      }
      if (kind.equals("Deployment")) {
        Set<String> known = name.equals("kiln-agent") ? AGENT : backendKeys;
        for (JsonNode c : m.at("/spec/template/spec/containers")) {
          c.path("env").forEach(e -> check(e.path("name").asText(), known, name, unknown));
        }
      }
    }
    JsonNode compose = YAML.readTree(DEPLOY.resolve("compose.yaml").toFile());
    compose
        .at("/services/backend/environment")
        .fieldNames()
        .forEachRemaining(k -> check(k, backendKeys, "compose backend", unknown));
    compose
        .at("/services/agent/environment")
        .fieldNames()
        .forEachRemaining(k -> check(k, AGENT, "compose agent", unknown));
    assertEquals(List.of(), unknown, "known settings: " + backendKeys);
    assertTrue(backendKeys.contains("KILN_STORAGE_S3_BUCKET"), "the walk found nested settings");
  }

  @Test
  void theImagesAreBuiltFromWhatTheBuildMakes() throws IOException {
    String backend = Files.readString(DEPLOY.resolve("docker/backend.Dockerfile"));
    assertTrue(backend.contains("backend/target/quarkus-app-postgresql/"), "the PostgreSQL build");
    assertTrue(backend.contains("EXPOSE 8080"));
    String agent = Files.readString(DEPLOY.resolve("docker/agent.Dockerfile"));
    assertTrue(agent.contains("gpu-agent/target/kiln-agent.jar"));
    assertTrue(agent.contains("pytorch-native-cu"), "says how CUDA's libtorch gets in");
    assertTrue(
        Files.readString(Path.of("pom.xml")).contains("quarkus-app-postgresql"),
        "the backend's pom builds that folder");
    JsonNode compose = YAML.readTree(DEPLOY.resolve("compose.yaml").toFile());
    assertEquals(
        "nvidia",
        compose.at("/services/agent/deploy/resources/reservations/devices/0/driver").asText());
  }

  @Test
  void kubectlBuildsTheManifests() throws Exception {
    Path kubectl =
        Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
            .map(d -> Path.of(d, "kubectl"))
            .filter(Files::isExecutable)
            .findFirst()
            .orElse(null);
    org.junit.jupiter.api.Assumptions.assumeTrue(kubectl != null, "kubectl is not installed");
    Process p =
        new ProcessBuilder(kubectl.toString(), "kustomize", DEPLOY.resolve("k8s").toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    JsonNode built;
    int objects = 0;
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(out)) {
      while (docs.hasNext()) {
        built = docs.next();
        objects += built.has("kind") ? 1 : 0;
      }
    }
    assertEquals(manifests().size() - 1, objects, "every manifest but the kustomization: " + out);
  }

  private static void check(String name, Set<String> known, String where, List<String> unknown) {
    if (!known.contains(name)) {
      unknown.add(where + ": " + name);
    }
  }

  /**
   * Every setting of a config mapping as its environment variable (kiln.data-dir: KILN_DATA_DIR).
   */
  static void settings(Class<?> mapping, String prefix, Set<String> out) {
    for (Method m : mapping.getDeclaredMethods()) {
      if (Modifier.isStatic(m.getModifiers()) || m.getParameterCount() > 0) {
        continue;
      }
      String name =
          prefix + "_" + m.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase();
      Class<?> type = m.getReturnType();
      if (type.isInterface()
          && type.getEnclosingClass() != null
          && !type.getName().startsWith("java.")) {
        settings(type, name, out);
      } else {
        out.add(name);
      }
    }
  }

  private static Map<String, JsonNode> manifests() throws IOException {
    Map<String, JsonNode> byName = new HashMap<>();
    try (Stream<Path> files = Files.list(DEPLOY.resolve("k8s"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (MappingIterator<JsonNode> docs =
            YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
          while (docs.hasNext()) {
            JsonNode doc = docs.next();
            if (doc != null && !doc.isEmpty()) {
              byName.put(doc.path("kind").asText() + "/" + doc.at("/metadata/name").asText(), doc);
            }
          }
        }
      }
    }
    return byName;
  }
}
