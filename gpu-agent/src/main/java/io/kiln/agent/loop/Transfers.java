package io.kiln.agent.loop;

import io.kiln.agent.channel.BackendRefusedException;
import io.kiln.agent.training.TrainingCancelledException;
import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Retries a file transfer while the backend is unreachable (restarting, network blip), so a model
 * trained for hours is not lost to a few seconds of downtime. A refusal is final at once.
 */
final class Transfers {
  private static final Logger LOG = Logger.getLogger(Transfers.class.getName());

  /** One transfer attempt. */
  @FunctionalInterface
  interface Transfer {
    void run() throws IOException;
  }

  private Transfers() {}

  static void withRetry(
      String what, Transfer transfer, Duration patience, BooleanSupplier cancelled)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + patience.toNanos();
    long backoffMs = 500;
    while (true) {
      try {
        transfer.run();
        return;
      } catch (BackendRefusedException e) {
        throw e;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "could not "
                  + what
                  + ": the backend stayed unreachable for "
                  + patience.toMinutes()
                  + " min ("
                  + describe(e)
                  + ")",
              e);
        }
        if (cancelled.getAsBoolean()) {
          throw new TrainingCancelledException();
        }
        LOG.warning(
            "could not " + what + " (" + describe(e) + "); retrying in " + backoffMs + " ms");
        Thread.sleep(backoffMs);
        backoffMs = Math.min(10_000, backoffMs * 2);
      }
    }
  }

  private static String describe(IOException e) {
    return e.getMessage() == null
        ? e.getClass().getSimpleName()
        : e.getClass().getSimpleName() + ": " + e.getMessage();
  }
}
