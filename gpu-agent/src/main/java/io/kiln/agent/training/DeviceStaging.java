package io.kiln.agent.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kiln.agent.training.data.BatchPipeline;
import io.kiln.agent.training.data.HostBatch;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Puts batches on the training device one step ahead (issue 16). With a staging thread, batch n+1
 * is created and copied to the device on that thread while the training thread queues step n's
 * work, so on a GPU the host-to-device copy never holds up the thread that feeds the device.
 * Without one (the CPU, where a copy is a no-op and a hand-over only costs) each batch is staged on
 * the caller's thread when taken. Either way every batch lives in a scope of its own, closed by the
 * step that used it.
 */
final class DeviceStaging implements AutoCloseable {
  /** One batch on the device, with the host batch it came from. */
  record DeviceBatch(HostBatch host, NDManager scope, NDArray x, NDArray y, NDArray labels)
      implements AutoCloseable {
    int size() {
      return host.size();
    }

    @Override
    public void close() {
      scope.close();
    }
  }

  private final NDManager parent;
  private final Device device;
  private final Shape imageShape;
  private final int classes;
  private final ExecutorService thread;

  /**
   * @param device where batches go: the one training device, or the CPU when a step splits the
   *     batch across several devices
   * @param ownThread whether batches are staged on a thread of their own (worth it on a GPU)
   */
  DeviceStaging(NDManager parent, Device device, Shape imageShape, int classes, boolean ownThread) {
    this.parent = parent;
    this.device = device;
    this.imageShape = imageShape;
    this.classes = classes;
    this.thread =
        ownThread
            ? Executors.newSingleThreadExecutor(
                r -> {
                  Thread t = new Thread(r, "kiln-device-staging");
                  t.setDaemon(true);
                  return t;
                })
            : null;
  }

  /** Stages one host batch on the device, on the calling thread. */
  DeviceBatch stage(HostBatch batch) {
    NDManager scope = parent.newSubManager(device);
    try {
      Shape images = new Shape(batch.size()).addAll(imageShape);
      // Created on the CPU from the Java arrays, then copied once to the device.
      NDArray x = onDevice(scope, scope.create(batch.data(), images));
      NDArray y = onDevice(scope, scope.create(batch.targets(), new Shape(batch.size(), classes)));
      NDArray labels = onDevice(scope, scope.create(batch.labels()));
      return new DeviceBatch(batch, scope, x, y, labels);
    } catch (RuntimeException e) {
      scope.close();
      throw e;
    }
  }

  private NDArray onDevice(NDManager scope, NDArray onCpu) {
    if (onCpu.getDevice().equals(device)) {
      return onCpu;
    }
    NDArray moved = onCpu.toDevice(device, false);
    moved.attach(scope);
    onCpu.close();
    return moved;
  }

  /** The device batches of one epoch of host batches, one staged ahead. */
  Staged over(BatchPipeline.Epoch host) {
    return new Staged(host);
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.shutdownNow();
    }
  }

  /**
   * An epoch's batches on the device. Only the staging thread takes from the host epoch while a
   * batch is in flight, and close waits for that batch, so no batch's arrays outlive the epoch.
   */
  final class Staged implements Iterator<DeviceBatch>, AutoCloseable {
    private final BatchPipeline.Epoch host;
    private CompletableFuture<DeviceBatch> ahead;

    Staged(BatchPipeline.Epoch host) {
      this.host = host;
      stageNext();
    }

    private void stageNext() {
      if (thread == null || !host.hasNext()) {
        ahead = null;
        return;
      }
      ahead = CompletableFuture.supplyAsync(() -> stage(host.next()), thread);
    }

    @Override
    public boolean hasNext() {
      return ahead != null || (thread == null && host.hasNext());
    }

    @Override
    public DeviceBatch next() {
      if (thread == null) {
        if (!host.hasNext()) {
          throw new NoSuchElementException();
        }
        return stage(host.next());
      }
      if (ahead == null) {
        throw new NoSuchElementException();
      }
      DeviceBatch batch = take(ahead);
      stageNext();
      return batch;
    }

    private DeviceBatch take(CompletableFuture<DeviceBatch> future) {
      try {
        return future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while staging a batch", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        throw cause instanceof RuntimeException r
            ? r
            : new IllegalStateException("could not stage a batch: " + cause, cause);
      }
    }

    /** Closes the batch staged ahead (if any) and drops the host batches still in preparation. */
    @Override
    public void close() {
      CompletableFuture<DeviceBatch> pending = ahead;
      ahead = null;
      if (pending != null) {
        try {
          pending.join().close();
        } catch (RuntimeException ignored) {
          // A batch that failed to stage holds nothing; its failure was reported by next().
        }
      }
      host.close();
    }
  }
}
