package io.kiln.agent.loop;

import io.kiln.agent.channel.BackendClient;
import io.kiln.agent.channel.BackendRefusedException;
import io.kiln.agent.training.CheckpointArchive;
import io.kiln.agent.training.ImageArchiveReader;
import io.kiln.agent.training.InitialWeights;
import io.kiln.agent.training.LabelledImages;
import io.kiln.agent.training.MetricSink;
import io.kiln.agent.training.StartingWeightsException;
import io.kiln.agent.training.TrainingCancelledException;
import io.kiln.agent.training.TrainingJob;
import io.kiln.agent.training.TrainingResult;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage.RunAssignment;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.recipe.RecipeParser;
import io.kiln.core.run.FailureClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * One assigned run on this agent: fetch data (and the last checkpoint when resuming), train with a
 * checkpoint uploaded after every epoch, upload the model, report the outcome and its failure
 * class.
 */
final class RunExecution implements Runnable {
  private static final Logger LOG = Logger.getLogger(RunExecution.class.getName());

  /** How long a transfer waits for an unreachable backend before the run is given up. */
  static final Duration TRANSFER_PATIENCE = Duration.ofMinutes(10);

  private final RunAssignment assignment;
  private final BackendClient backend;
  private final RunOutbox outbox;
  private final Path runDir;
  private final FileCache files;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private volatile boolean agentStopping;
  private Thread transferring;
  private final CheckpointUploads uploads;
  private final AtomicLong seq;

  RunExecution(
      RunAssignment assignment,
      BackendClient backend,
      RunOutbox outbox,
      Path workDir,
      FileCache files) {
    this.files = files;
    this.assignment = assignment;
    this.backend = backend;
    this.outbox = outbox;
    this.runDir = workDir.resolve("runs").resolve(Long.toString(assignment.runId()));
    this.seq = new AtomicLong(assignment.nextSeq());
    this.uploads =
        new CheckpointUploads(
            backend, outbox, assignment.runId(), assignment.checkpointPath(), cancelled::get);
  }

  long runId() {
    return assignment.runId();
  }

  /** The user cancelled the run. */
  void cancel() {
    cancelled.set(true);
    interruptTransfer();
  }

  /** The agent is shutting down: stop, and let the backend requeue the run elsewhere. */
  void stopAgent() {
    agentStopping = true;
    cancelled.set(true);
    interruptTransfer();
  }

  /** A download of several GB is stopped within moments, not when it ends. */
  private synchronized void interruptTransfer() {
    if (transferring != null) {
      transferring.interrupt();
    }
  }

  @Override
  public void run() {
    long runId = assignment.runId();
    try {
      // A process killed in the middle of this run (kill -9, power cut) left its files here: this
      // attempt starts from the backend's checkpoint, not from them.
      deleteQuietly(runDir);
      Files.createDirectories(runDir);
      Recipe recipe = new RecipeParser(Set.of()).parse(assignment.recipe());
      Path[] zip = new Path[1];
      transfer(
          "download the dataset",
          () ->
              zip[0] =
                  files.dataset(
                      assignment.datasetId(),
                      file -> backend.download(assignment.datasetPath(), file)));
      Path weights = initialWeights();
      LabelledImages images =
          ImageArchiveReader.read(
              zip[0],
              assignment.classNames(),
              recipe.inputSize(),
              recipe.batchSize(),
              Math.max(
                  TrainingJob.minChannels(recipe),
                  weights == null ? 1 : InitialWeights.channelsOf(weights, recipe)),
              cancelled::get);
      Path checkpoints = runDir.resolve("checkpoints");
      if (assignment.resume()) {
        Path archive = runDir.resolve("checkpoint.zip");
        transfer(
            "download the checkpoint",
            () -> backend.download(assignment.checkpointPath(), archive));
        CheckpointArchive.unpack(archive, checkpoints);
        Files.delete(archive);
      }
      LOG.info(
          "run "
              + runId
              + ": "
              + images.count()
              + " images loaded, training "
              + recipe.epochs()
              + " epochs"
              + (assignment.resume() ? ", resuming from the last checkpoint" : "")
              + " (attempt "
              + assignment.attempt()
              + ")");
      TrainingJob job =
          new TrainingJob(
                  recipe, images, new OutboxSink(), cancelled::get, assignment.stepReportInterval())
              .withCheckpoints(checkpoints);
      if (weights != null) {
        job.withInitialWeights(weights);
      }
      if (assignment.heldOutFold() != null) {
        job.withHeldOutFold(assignment.heldOutFold());
      }
      if (recipe.storedFeatures()) {
        job.withFeatureCache(files.place(featureKey(recipe, images)));
      }
      TrainingResult result = job.run(runDir);
      uploads.awaitIdle(CheckpointUploads.UPLOAD_PATIENCE);
      transfer(
          "upload the model", () -> backend.upload(assignment.modelPath(), result.modelArchive()));
      LOG.info(
          String.format(
              "run %d: succeeded, best val accuracy %.4f, %.0f images/s on %s",
              runId, result.bestValAccuracy(), result.imagesPerSecond(), result.device()));
      finish("SUCCEEDED", null, null);
    } catch (TrainingCancelledException e) {
      if (agentStopping) {
        LOG.info("run " + runId + ": stopped with the agent; the backend requeues it");
        finish("FAILED", "the agent was stopped", FailureClass.INFRASTRUCTURE);
      } else {
        LOG.info("run " + runId + ": cancelled");
        finish("CANCELLED", "cancelled by user", null);
      }
    } catch (InterruptedException e) {
      if (cancelled.get() && !agentStopping) {
        LOG.info("run " + runId + ": cancelled during a transfer");
        finish("CANCELLED", "cancelled by user", null);
      } else {
        finish("FAILED", "the agent was stopped", FailureClass.INFRASTRUCTURE);
      }
    } catch (Exception | OutOfMemoryError e) {
      FailureClass failure = Failures.classify(e);
      String reason = Failures.describe(e);
      LOG.warning("run " + runId + ": failed (" + failure.wireName() + "): " + reason);
      finish("FAILED", reason, failure, Failures.field(e));
    } finally {
      uploads.close();
      deleteQuietly(runDir);
    }
  }

  /**
   * The starting weights (T13), or null: pretrained weights kept by their SHA-256 between runs
   * (checked against it when downloaded), a run's model or a backbone fetched for this run.
   */
  private Path initialWeights() throws IOException, InterruptedException {
    String path = assignment.initialWeightsPath();
    if (path == null) {
      return null;
    }
    String sha256 = assignment.initialWeightsSha256();
    Path[] file = new Path[1];
    if (sha256 != null && sha256.matches("[0-9a-f]{64}")) {
      try {
        transfer(
            "download the pretrained weights",
            () ->
                file[0] = files.get("weights-" + sha256 + ".pth", f -> backend.download(path, f)));
      } catch (BackendRefusedException e) {
        // The backend cannot have them (its source is unreachable, the file is gone): a setting
        // to change, not this machine's fault.
        throw new StartingWeightsException(
            "pretrainedWeights", "the pretrained weights cannot be had: " + e.getMessage());
      }
    } else {
      file[0] = runDir.resolve("initial-model.zip");
      transfer("download the starting weights", () -> backend.download(path, file[0]));
    }
    return file[0];
  }

  /** Stored features depend on the images, the weights, the size, channels and normalization. */
  private String featureKey(Recipe recipe, LabelledImages images) {
    String identity =
        String.join(
            "|",
            Long.toString(assignment.datasetId()),
            assignment.initialWeightsSha256() != null
                ? assignment.initialWeightsSha256()
                : String.valueOf(assignment.initialWeightsPath()),
            recipe.architecture(),
            Integer.toString(images.size()),
            Integer.toString(images.channels()),
            recipe.normalization());
    try {
      byte[] digest =
          java.security.MessageDigest.getInstance("SHA-256")
              .digest(identity.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "features-" + java.util.HexFormat.of().formatHex(digest, 0, 16) + ".bin";
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void transfer(String what, Transfers.Transfer transfer)
      throws IOException, InterruptedException {
    synchronized (this) {
      transferring = Thread.currentThread();
    }
    try {
      if (cancelled.get()) {
        throw new InterruptedException("cancelled");
      }
      Transfers.withRetry(what, transfer, TRANSFER_PATIENCE, cancelled::get);
    } finally {
      synchronized (this) {
        transferring = null;
      }
      if (Thread.interrupted() && !cancelled.get()) {
        Thread.currentThread().interrupt(); // not ours: keep it
      }
    }
  }

  private void finish(String outcome, String reason, FailureClass failure) {
    finish(outcome, reason, failure, null);
  }

  private void finish(String outcome, String reason, FailureClass failure, String field) {
    outbox.send(
        new AgentMessage.RunFinished(
            assignment.runId(),
            seq.getAndIncrement(),
            outcome,
            reason,
            failure == null ? null : failure.wireName(),
            field));
  }

  /**
   * Numbers every report and hands it to the outbox; the training code knows nothing of networks.
   */
  private final class OutboxSink implements MetricSink {
    @Override
    public void started(String device, int totalEpochs, long stepsPerEpoch) {
      outbox.send(
          new AgentMessage.RunStarted(
              assignment.runId(), seq.getAndIncrement(), device, totalEpochs, stepsPerEpoch));
    }

    @Override
    public void evaluated(Map<String, Object> evaluation) {
      outbox.send(
          new AgentMessage.RunEvaluated(assignment.runId(), seq.getAndIncrement(), evaluation));
    }

    private long lastSeq = -1;

    @Override
    public void report(String kind, int epoch, long step, Map<String, Double> values) {
      lastSeq = seq.getAndIncrement();
      outbox.send(
          new AgentMessage.MetricReport(
              assignment.runId(), lastSeq, kind, epoch, step, values, System.currentTimeMillis()));
    }

    @Override
    public void checkpointed(int epoch, Path checkpointDir) {
      uploads.submit(epoch, checkpointDir, lastSeq, runDir);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // leftovers in the work directory are harmless
    }
  }
}
