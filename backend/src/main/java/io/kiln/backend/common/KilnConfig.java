package io.kiln.backend.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/**
 * Kiln's own settings; each can be set as an environment variable (kiln.data-dir = KILN_DATA_DIR).
 */
@ConfigMapping(prefix = "kiln")
public interface KilnConfig {
  /** Where the database, datasets and models live. */
  String dataDir();

  /**
   * The address people reach Kiln at (e.g. https://kiln.example.com). Browser requests that change
   * something, and WebSocket upgrades, must come from this origin (or, when unset, from the address
   * they were sent to); the session cookie is Secure when it is https.
   */
  Optional<String> publicUrl();

  /** Password of the first admin account; generated and printed once when absent. */
  Optional<String> adminPassword();

  /** How long a login session lasts. */
  @WithDefault("168")
  int sessionHours();

  /**
   * The first wait after too many failed logins (it doubles with each further failure, up to 15
   * minutes).
   */
  @WithDefault("1")
  int loginBackoffSeconds();

  /**
   * Memory that decoding images may hold at once, shared by uploads, thumbnails and predictions
   * (issue 30); a quarter of the heap when unset.
   */
  Optional<io.quarkus.runtime.configuration.MemorySize> decodeMemory();

  Agents agents();

  Runs runs();

  LocalAgent localAgent();

  Advisor advisor();

  Datasets datasets();

  Predict predict();

  Live live();

  Storage storage();

  Kubernetes kubernetes();

  Pretrained pretrained();

  Webhooks webhooks();

  Mail mail();

  /**
   * E-mail to people who chose it (issue 35), over the SMTP server of the quarkus.mailer.* settings
   * (QUARKUS_MAILER_HOST, _PORT, _USERNAME, _PASSWORD, _TLS).
   */
  interface Mail {
    /** The sender's address; unset, Kiln sends no e-mail and the Account page says so. */
    Optional<String> from();
  }

  /** How events reach teams' webhooks (issue 35). */
  interface Webhooks {
    /** How long one try of a delivery may take (connecting and answering). */
    @WithDefault("10")
    int timeoutSeconds();

    /**
     * The wait after a delivery's first failed try; it doubles with each further one, up to 1 h.
     */
    @WithDefault("5")
    int retrySeconds();

    /** Tries of one delivery before it is marked failed (8: about 10 minutes of retries). */
    @WithDefault("8")
    int maxAttempts();
  }

  /**
   * Where the catalogue's ImageNet weights come from (T13): torchvision's download folder by
   * default, or a mirror that serves the same file names (for clusters without internet).
   */
  interface Pretrained {
    /** The folder's address; each catalogue file is this plus its file name. */
    @WithDefault("https://download.pytorch.org/models/")
    String source();

    /** Ask the source at start whether it has each file, so the wizard knows what can be had. */
    @WithDefault("true")
    boolean probe();

    /** How long a connection to the source may take to open (and a HEAD request to answer). */
    @WithDefault("10")
    int timeoutSeconds();
  }

  /**
   * Kubernetes mode: the backend starts one Job per queued run (an agent pod that takes exactly
   * that run and exits), so the cluster's scheduler places the GPU work, queues it while the
   * cluster is full and lets GPU nodes scale to zero. Off by default; long-lived agents work either
   * way.
   */
  interface Kubernetes {
    @WithDefault("false")
    boolean enabled();

    /** The agent pods' image (deploy/docker/agent.Dockerfile). */
    @WithDefault("kiln-agent:latest")
    String agentImage();

    /** Where the agent pods reach the backend: its Service's address inside the cluster. */
    @WithDefault("http://kiln-backend:8080")
    String serverUrl();

    /** The Jobs' namespace; without it the backend's own (in the cluster) or the kubeconfig's. */
    Optional<String> namespace();

    /** The API server; without it the client's own discovery (in-cluster account, kubeconfig). */
    Optional<String> masterUrl();

    /** GPUs each run's pod asks for ({@code nvidia.com/gpu}). */
    @WithDefault("1")
    int gpus();

    /** Memory each run's pod asks for, in GiB (the decoded images, the model, the JVM). */
    @WithDefault("16")
    int memoryGib();

    /** Node labels the pods must match, e.g. {@code nvidia.com/gpu.present=true}. */
    Optional<String> nodeSelector();

    /** At most this many run Jobs at once (the rest of the queue waits in Kiln's queue). */
    @WithDefault("20")
    int maxJobs();

    /** How long Kubernetes keeps a finished Job before removing it. */
    @WithDefault("600")
    int keepFinishedSeconds();

    /** How often the backend looks at the queue and the Jobs. */
    @WithDefault("5s")
    String every();
  }

  /**
   * Where datasets' files, checkpoints and models are kept: {@code files} under the data directory
   * (one backend), or {@code s3} in an S3-compatible bucket (AWS S3, MinIO, Ceph) that several
   * backend replicas share.
   */
  interface Storage {
    @WithDefault("files")
    String kind();

    /**
     * With {@code s3}: how many MiB of datasets and models each backend keeps as local copies for
     * its readers (thumbnails, predictions); the copies used longest ago go first.
     */
    @WithDefault("4096")
    long cacheMib();

    S3 s3();

    /** The bucket's settings when {@code kind=s3} (env: KILN_STORAGE_S3_BUCKET, ...). */
    interface S3 {
      /** The bucket; it must exist. */
      Optional<String> bucket();

      /** Another S3 API than AWS's (MinIO, Ceph): e.g. http://minio:9000. */
      Optional<String> endpoint();

      @WithDefault("us-east-1")
      String region();

      /** Access key; without it the SDK's default chain (environment, profile, IAM role). */
      Optional<String> accessKey();

      Optional<String> secretKey();

      /** Keys start with this (e.g. kiln/), so one bucket may hold several installations. */
      Optional<String> prefix();

      /**
       * Bucket in the path (http://host/bucket/key), as MinIO and Ceph expect; AWS takes either.
       */
      @WithDefault("true")
      boolean pathStyle();

      /** Uploads go up in parts of this many MiB, one part in memory at a time (at least 5). */
      @WithDefault("8")
      int partMib();
    }
  }

  /** The run pages' live socket. */
  interface Live {
    /**
     * Whether a point from the agent holding its run goes to the viewers as it arrives (true) or
     * only after its commit (false). Either way the agent is acknowledged only after the commit;
     * true keeps the database's commit off the path to the viewers (bench/live-latency).
     */
    @WithDefault("true")
    boolean publishOnArrival();
  }

  /** Predictions (issue 13): the exported ONNX model runs in the backend. */
  interface Predict {
    /** Models kept open in ONNX Runtime, the most recently used. */
    @WithDefault("4")
    int openModels();

    /** Bytes one image may have. */
    @WithDefault("20000000")
    long maxImageBytes();

    /** Images one request may hold (files and images inside .zip files). */
    @WithDefault("500")
    int maxImages();

    /** Bytes of all images of one request together (they are held in memory). */
    @WithDefault("256000000")
    long maxRequestBytes();

    /** Pixels one image may claim before it is decoded. */
    @WithDefault("50000000")
    long maxPixels();

    /** Pixels one request may decode; the images after that are answered with a note. */
    @WithDefault("500000000")
    long maxRequestPixels();

    /**
     * Pixels each API key or person may have decoded per minute (a bucket that refills at this
     * rate); beyond it, 429 with Retry-After.
     */
    @WithDefault("6000000000")
    long pixelsPerMinute();

    /**
     * Prediction requests one caller (an API key, or a person) may have in progress at once; one
     * more is answered 429 with Retry-After, so no caller can keep every core busy (several images
     * go in one request).
     */
    @WithDefault("2")
    int requestsAtOnce();
  }

  /** What one uploaded dataset may unpack to (zip bombs, T16); see ImportLimits. */
  interface Datasets {
    @WithDefault("16G")
    io.quarkus.runtime.configuration.MemorySize maxUncompressed();

    @WithDefault("1000000")
    int maxEntries();

    @WithDefault("200")
    double maxCompressionRatio();

    @WithDefault("64M")
    io.quarkus.runtime.configuration.MemorySize maxImageSize();

    /** Width x height of one image, read from its header before anything is decoded. */
    @WithDefault("100000000")
    long maxImagePixels();

    /** Classes with fewer images get a warning (T16). */
    @WithDefault("10")
    int fewImagesPerClass();

    /** Where the Debian package dataset-fashion-mnist puts its files. */
    @WithDefault("/usr/share/datasets/fashion-mnist")
    String fashionMnistDir();
  }

  /**
   * When the tuning rules (A1-A9) fire; see core's Thresholds for what each means. The defaults
   * keep a healthy run silent: several epochs of evidence, margins of several points.
   */
  interface Advisor {
    @WithDefault("3")
    int minEpochs();

    @WithDefault("0.05")
    double overfitGap();

    @WithDefault("0.02")
    double gapGrowth();

    @WithDefault("0.8")
    double underfitAccuracy();

    @WithDefault("0.05")
    double chanceMargin();

    @WithDefault("3")
    int notLearningEpochs();

    @WithDefault("4.0")
    double divergenceFactor();

    @WithDefault("3")
    int plateauEpochs();

    @WithDefault("0.005")
    double plateauDelta();

    @WithDefault("0.5")
    double highLrShare();

    @WithDefault("0.001")
    double floorRatio();

    @WithDefault("0.04")
    double oscillation();

    @WithDefault("1000")
    int smallDataset();

    @WithDefault("0.001")
    double fineTuneRate();
  }

  /** How runs survive failures (issue 12). */
  interface Runs {
    /**
     * How many attempts a run gets: after this many, an infrastructure failure (a lost agent, a
     * network failure) fails it for good. A recipe or data error is never retried; an out-of-memory
     * failure is retried once with half the batch (T8).
     */
    @WithDefault("3")
    int maxAttempts();
  }

  /** Lease and heartbeat timing for remote agents. */
  interface Agents {
    @WithDefault("2")
    int heartbeatSeconds();

    /** A run whose agent has not heartbeated for this long goes back to the queue. */
    @WithDefault("30")
    int leaseSeconds();

    @WithDefault("60")
    int enrollmentTokenMinutes();

    /**
     * The folder holding kiln-agent.jar and its lib/ folder, which the Agents page offers as one
     * download (kiln-agent.zip). Unset: the folder of the local agent's jar, if there is one.
     */
    Optional<String> distribution();
  }

  /** The agent process the backend starts beside itself, so a newcomer can train at once. */
  interface LocalAgent {
    @WithDefault("false")
    boolean enabled();

    /** Path of kiln-agent.jar. */
    Optional<String> jar();

    /**
     * JVM options for the agent. The serial collector runs on the allocating thread, so on a CPU
     * agent no collector threads compete with PyTorch's (measured: about 15% more images/s on 2
     * cores). The heap's ceiling is half the machine's memory rather than a fixed size: the serial
     * collector commits only what the run's decoded images and batches need (the agent's
     * MemoryBudget checks them against the ceiling before a run starts), and a big dataset on a big
     * machine is not refused for a number picked for a laptop.
     */
    @WithDefault("-XX:MaxRAMPercentage=50 -XX:+UseSerialGC")
    String jvmOptions();
  }
}
