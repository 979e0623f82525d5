package io.kiln.backend.support;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The backend in Kubernetes mode against fabric8's Kubernetes mock server in CRUD mode (no cluster
 * runs here): Jobs are stored, listed, updated and deleted as an API server would. The launcher's
 * timer waits an hour, so tests call it themselves.
 */
public final class KubernetesMode implements QuarkusTestProfile {
  public static final String NAMESPACE = "kiln-test";
  private static KubernetesMockServer server;

  /** A client of the mock server, in the test's namespace. */
  public static KubernetesClient client() {
    return server
        .createClient()
        .adapt(io.fabric8.kubernetes.client.NamespacedKubernetesClient.class)
        .inNamespace(NAMESPACE);
  }

  @Override
  public List<TestResourceEntry> testResources() {
    return List.of(new TestResourceEntry(Server.class));
  }

  /** Starts the mock API server before the app and points the app at it. */
  public static final class Server implements QuarkusTestResourceLifecycleManager {
    @Override
    public Map<String, String> start() {
      server =
          new KubernetesMockServer(
              new io.fabric8.mockwebserver.Context(),
              new MockWebServer(),
              new HashMap<>(),
              new KubernetesCrudDispatcher(),
              false);
      server.init();
      return Map.of(
          "kiln.kubernetes.enabled", "true",
          "kiln.kubernetes.master-url", server.url("/"),
          "kiln.kubernetes.namespace", NAMESPACE,
          "kiln.kubernetes.agent-image", "registry.example/kiln-agent:1",
          "kiln.kubernetes.node-selector", "nvidia.com/gpu.present=true",
          "kiln.kubernetes.every", "1h");
    }

    @Override
    public void stop() {
      server.destroy();
    }
  }
}
