package io.kiln.agent;

import io.kiln.agent.channel.Enrollment;
import io.kiln.agent.channel.WebSocketBackendClient;
import io.kiln.agent.loop.AgentLoop;
import io.kiln.agent.training.Devices;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Starts a Kiln GPU agent.
 *
 * <pre>
 * java -jar kiln-agent.jar --server http://kiln:8080 --token ke_... [--name gpu-1] [--work-dir DIR]
 * </pre>
 *
 * The enrollment token (also KILN_ENROLLMENT_TOKEN) is needed only the first time: the credential
 * it is exchanged for is kept in the work directory.
 */
public final class AgentMain {
  public static final String VERSION = "0.1.0";
  private static final Logger LOG = Logger.getLogger(AgentMain.class.getName());

  private AgentMain() {}

  static final String USAGE =
      String.join(
          "\n",
          "Usage: java -XX:+UseSerialGC -jar kiln-agent.jar --server URL [--token TOKEN] [--name NAME]"
              + " [--labels LIST] [--work-dir DIR]",
          "",
          "Trains Kiln's runs on this machine's devices (GPUs when DJL finds CUDA, else the CPU).",
          "  --server URL     the Kiln address, e.g. https://kiln.example.com (or KILN_SERVER);",
          "                   several replicas' addresses separated by commas are tried in turn",
          "  --token TOKEN    a one-time enrollment token from the Agents page (or"
              + " KILN_ENROLLMENT_TOKEN);",
          "                   needed only the first time: the credential is kept in the work"
              + " directory",
          "  --name NAME      how the agent is listed (default: the host name)",
          "  --labels LIST    labels given at enrollment, e.g. gpu=a100,zone=eu (an admin can"
              + " change them)",
          "  --work-dir DIR   credential, outbox and downloads (default: ~/.kiln-agent)",
          "  --dataset-cache-mib N  datasets, pretrained weights and stored features kept",
          "                   between runs (default 10240; least recently used go first)",
          "  --once           take one run, then stop (an agent started for one run, e.g. a",
          "                   Kubernetes Job)",
          "  --help           this text");

  public static void main(String[] args) throws Exception {
    if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      System.out.println(USAGE);
      return;
    }
    try {
      run(args);
    } catch (IllegalArgumentException | IOException e) {
      // A wrong option, a refused token or credential: one clear line, no stack trace.
      System.err.println("kiln-agent: " + oneLine(e.getMessage()));
      System.exit(2);
    }
  }

  /**
   * The backend's address, or several replicas' separated by commas (tried in turn when one cannot
   * be reached; behind a load balancer, give its one address).
   */
  static List<URI> servers(String option) {
    List<URI> servers = new java.util.ArrayList<>();
    for (String part : option.split(",")) {
      if (!part.isBlank()) {
        servers.add(URI.create(withSlash(part.trim())));
      }
    }
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("--server names no address");
    }
    return servers;
  }

  /** The message on one line, at most 300 characters. */
  static String oneLine(String message) {
    String line = message == null ? "failed" : message.replaceAll("\\s+", " ").trim();
    return line.length() > 300 ? line.substring(0, 300) + "…" : line;
  }

  private static void run(String[] args) throws Exception {
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tT %4$s [agent] %5$s%6$s%n");
    Map<String, String> options = parse(args);
    List<URI> servers = servers(required(options, "server", "KILN_SERVER"));
    URI server = servers.get(0);
    Path workDir =
        Path.of(options.getOrDefault("work-dir", System.getProperty("user.home") + "/.kiln-agent"));
    String name = options.getOrDefault("name", InetAddress.getLocalHost().getHostName());
    String token = options.getOrDefault("token", System.getenv("KILN_ENROLLMENT_TOKEN"));
    Files.createDirectories(workDir);
    String labels = options.getOrDefault("labels", "");
    String credential = Enrollment.credential(server, workDir, token, name, labels);

    Devices.configureThreads();
    AgentLoop loop =
        new AgentLoop(
            new WebSocketBackendClient(servers, credential),
            workDir,
            VERSION,
            InetAddress.getLocalHost().getHostName(),
            Devices.describe());
    if (options.containsKey("dataset-cache-mib")) {
      loop.datasetCacheMib(Long.parseLong(options.get("dataset-cache-mib")));
    }
    if (options.containsKey("once")) {
      loop.exitAfterOneRun();
    }
    Runtime.getRuntime().addShutdownHook(new Thread(loop::stop, "kiln-agent-shutdown"));
    if (options.containsKey("exit-with-parent")) {
      ProcessHandle.current()
          .parent()
          .ifPresent(
              parent ->
                  parent
                      .onExit()
                      .thenRun(
                          () -> {
                            LOG.info("the backend that started this agent is gone; stopping");
                            System.exit(0);
                          }));
    }
    LOG.info(
        "Kiln agent "
            + VERSION
            + " starting; server "
            + servers.stream().map(URI::toString).collect(java.util.stream.Collectors.joining(", "))
            + ", devices "
            + Devices.describe());
    String tunables = System.getenv().getOrDefault("GLIBC_TUNABLES", "");
    if (!tunables.contains("glibc.malloc.mmap_threshold")) {
      LOG.info(
          "GLIBC_TUNABLES sets no fixed malloc thresholds: CPU training spends more time in page"
              + " faults (see deploy/README.md, 'Remote GPU agents')");
    }
    loop.start();
    loop.awaitStop();
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + args[i] + "'");
      }
      String key = args[i].substring(2);
      if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
        options.put(key, args[++i]);
      } else {
        options.put(key, "true");
      }
    }
    return options;
  }

  private static String required(Map<String, String> options, String key, String env) {
    String value = options.getOrDefault(key, System.getenv(env));
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          "--" + key + " (or " + env + ") is required; java -jar kiln-agent.jar --help says more");
    }
    return value;
  }

  private static String withSlash(String url) {
    return url.endsWith("/") ? url : url + "/";
  }
}
