package io.kiln.agent.loop;

import io.kiln.agent.channel.BackendClient;
import io.kiln.agent.training.ImageArchiveReader;
import io.kiln.agent.training.LabelledImages;
import io.kiln.agent.training.MetricSink;
import io.kiln.agent.training.TrainingCancelledException;
import io.kiln.agent.training.TrainingJob;
import io.kiln.agent.training.TrainingResult;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage.RunAssignment;
import io.kiln.core.recipe.Recipe;
import io.kiln.core.recipe.RecipeParser;
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

/** One assigned run on this agent: fetch data, train, upload the model, report the outcome. */
final class RunExecution implements Runnable {
  private static final Logger LOG = Logger.getLogger(RunExecution.class.getName());

  /** How long a transfer waits for an unreachable backend before the run is given up. */
  static final Duration TRANSFER_PATIENCE = Duration.ofMinutes(10);

  private final RunAssignment assignment;
  private final BackendClient backend;
  private final RunOutbox outbox;
  private final Path runDir;
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final AtomicLong seq;

  RunExecution(RunAssignment assignment, BackendClient backend, RunOutbox outbox, Path workDir) {
    this.assignment = assignment;
    this.backend = backend;
    this.outbox = outbox;
    this.runDir = workDir.resolve("runs").resolve(Long.toString(assignment.runId()));
    this.seq = new AtomicLong(assignment.nextSeq());
  }

  long runId() {
    return assignment.runId();
  }

  void cancel() {
    cancelled.set(true);
  }

  @Override
  public void run() {
    long runId = assignment.runId();
    try {
      Files.createDirectories(runDir);
      Recipe recipe = new RecipeParser(Set.of()).parse(assignment.recipe());
      Path zip = runDir.resolve("dataset.zip");
      Transfers.withRetry(
          "download the dataset",
          () -> backend.download(assignment.datasetPath(), zip),
          TRANSFER_PATIENCE,
          cancelled::get);
      LabelledImages images =
          ImageArchiveReader.read(zip, assignment.classNames(), recipe.inputSize());
      LOG.info(
          "run "
              + runId
              + ": "
              + images.count()
              + " images loaded, training "
              + recipe.epochs()
              + " epochs");
      TrainingJob job =
          new TrainingJob(
                  recipe, images, new OutboxSink(), cancelled::get, assignment.stepReportInterval())
              .withCheckpoints(runDir.resolve("checkpoints"));
      if (assignment.initialWeightsPath() != null) {
        Path weights = runDir.resolve("initial-model.zip");
        Transfers.withRetry(
            "download the starting weights",
            () -> backend.download(assignment.initialWeightsPath(), weights),
            TRANSFER_PATIENCE,
            cancelled::get);
        job.withInitialWeights(weights);
      }
      TrainingResult result = job.run(runDir);
      Transfers.withRetry(
          "upload the model",
          () -> backend.upload(assignment.modelPath(), result.modelArchive()),
          TRANSFER_PATIENCE,
          cancelled::get);
      LOG.info(
          String.format(
              "run %d: succeeded, best val accuracy %.4f, %.0f images/s on %s",
              runId, result.bestValAccuracy(), result.imagesPerSecond(), result.device()));
      finish("SUCCEEDED", null);
    } catch (TrainingCancelledException e) {
      LOG.info("run " + runId + ": cancelled");
      finish("CANCELLED", "cancelled by user");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      finish("FAILED", "the agent was stopped");
    } catch (Exception | OutOfMemoryError e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      LOG.warning("run " + runId + ": failed: " + reason);
      finish("FAILED", reason);
    } finally {
      deleteQuietly(runDir);
    }
  }

  private void finish(String outcome, String reason) {
    outbox.send(
        new AgentMessage.RunFinished(assignment.runId(), seq.getAndIncrement(), outcome, reason));
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

    @Override
    public void report(String kind, int epoch, long step, Map<String, Double> values) {
      outbox.send(
          new AgentMessage.MetricReport(
              assignment.runId(),
              seq.getAndIncrement(),
              kind,
              epoch,
              step,
              values,
              System.currentTimeMillis()));
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
