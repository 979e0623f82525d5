package io.kiln.agent.loop;

import io.kiln.agent.channel.BackendClient;
import io.kiln.agent.training.CheckpointArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Sends a run's checkpoints to the backend in the background, so training goes on while a large
 * model's checkpoint travels. Each is packed at once (the next epoch rewrites the folder), then
 * uploaded once its epoch's summary point is acknowledged (the backend accepts a checkpoint only
 * after its epoch's points). A checkpoint still waiting when a newer one comes is dropped; one that
 * cannot go out is skipped, and a resume starts from the last that arrived.
 */
final class CheckpointUploads implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CheckpointUploads.class.getName());

  /** How long an upload waits for its epoch's acknowledgement. */
  static final Duration ACK_PATIENCE = Duration.ofSeconds(10);

  /** How long an upload retries an unreachable backend before it is skipped. */
  static final Duration UPLOAD_PATIENCE = Duration.ofSeconds(30);

  private final BackendClient backend;
  private final RunOutbox outbox;
  private final long runId;
  private final String path;
  private final BooleanSupplier cancelled;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "kiln-checkpoint-upload");
            t.setDaemon(true);
            return t;
          });
  private Future<?> pending;

  CheckpointUploads(
      BackendClient backend, RunOutbox outbox, long runId, String path, BooleanSupplier cancelled) {
    this.backend = backend;
    this.outbox = outbox;
    this.runId = runId;
    this.path = path;
    this.cancelled = cancelled;
  }

  /** Packs the checkpoint of {@code epoch} into {@code scratch} and queues its upload. */
  synchronized void submit(int epoch, Path checkpointDir, long epochSeq, Path scratch) {
    Path archive;
    try {
      archive =
          CheckpointArchive.pack(checkpointDir, scratch.resolve("checkpoint-" + epoch + ".zip"));
    } catch (IOException e) {
      LOG.warning("run " + runId + ": could not pack the checkpoint of epoch " + epoch + ": " + e);
      return;
    }
    if (pending != null) {
      pending.cancel(false); // not started yet: the newer checkpoint replaces it
    }
    pending = worker.submit(() -> upload(epoch, archive, epochSeq));
  }

  /** Waits (at most {@code patience}) for the upload in progress, e.g. the last epoch's. */
  void awaitIdle(Duration patience) throws InterruptedException {
    Future<?> last;
    synchronized (this) {
      last = pending;
    }
    if (last == null) {
      return;
    }
    try {
      last.get(patience.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException | java.util.concurrent.CancellationException e) {
      LOG.warning("run " + runId + ": the last checkpoint upload did not finish: " + e);
    }
  }

  private void upload(int epoch, Path archive, long epochSeq) {
    try {
      if (!outbox.awaitAcked(runId, epochSeq, ACK_PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
        LOG.warning(
            "run "
                + runId
                + ": epoch "
                + epoch
                + " not acknowledged yet; its checkpoint is skipped");
        return;
      }
      Transfers.withRetry(
          "upload the checkpoint",
          () -> backend.upload(path + "?epoch=" + epoch, archive),
          UPLOAD_PATIENCE,
          cancelled);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      LOG.warning(
          "run " + runId + ": the checkpoint of epoch " + epoch + " was not uploaded: " + e);
    } finally {
      try {
        Files.deleteIfExists(archive);
      } catch (IOException ignored) {
        // the run folder is deleted when the run ends
      }
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }
}
