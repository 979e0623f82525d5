package io.kiln.backend.run;

import io.kiln.backend.common.ApiException;
import io.kiln.backend.common.Conflicts;
import io.kiln.backend.storage.BlobStore;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A run's checkpoint: the agent uploads it after every epoch, the next attempt downloads it to
 * resume. Kept in the {@link BlobStore} under {@code checkpoints/run-<id>/}; removed when the run
 * ends.
 *
 * <p>A checkpoint of epoch E is accepted only once that epoch's summary point is stored, so a run
 * resumed after epoch E has every point up to E and none after it: the curves continue without a
 * gap or a repeated epoch.
 */
@ApplicationScoped
public class RunCheckpoints {
  private static final Logger LOG = Logger.getLogger(RunCheckpoints.class);
  private final RunLeases leases;
  private final BlobStore store;

  RunCheckpoints(RunLeases leases, BlobStore store) {
    this.leases = leases;
    this.store = store;
  }

  static String key(long runId, int epoch) {
    return folder(runId) + "/epoch-" + epoch + ".zip";
  }

  private static String folder(long runId) {
    return "checkpoints/run-" + runId;
  }

  /**
   * Where an agent gets a run's checkpoint: from the store directly ({@code url}, when it has
   * addresses that need no credentials) or through the backend ({@code open}); {@code sha256}
   * checks it either way.
   */
  public record Download(Optional<URI> url, String sha256, Supplier<InputStream> open) {}

  /** How long a direct download address stays valid. */
  private static final Duration URL_VALID = Duration.ofMinutes(15);

  /** Stores the checkpoint taken after {@code epoch}, then records it on the run. */
  public void store(long agentId, long runId, int epoch, InputStream body) {
    int previous =
        QuarkusTransaction.requiringNew().call(() -> accepting(agentId, runId, epoch)).intValue();
    String key = key(runId, epoch);
    MessageDigest digest = sha256();
    try (InputStream hashed = new DigestInputStream(body, digest)) {
      store.put(key, hashed);
    } catch (IOException e) {
      throw new UncheckedIOException("could not store the checkpoint of run " + runId, e);
    }
    String sha256 = HexFormat.of().formatHex(digest.digest());
    Conflicts.retry(
        () ->
            QuarkusTransaction.requiringNew()
                .run(
                    () -> {
                      Run run = accepted(agentId, runId);
                      if (epoch >= run.checkpointEpoch) {
                        run.checkpointEpoch = epoch;
                        run.checkpointKey = key;
                        run.checkpointSha256 = sha256;
                      }
                    }));
    if (previous > 0 && previous != epoch) {
      deleteQuietly(key(runId, previous));
    }
  }

  /** The stored checkpoint of a run the agent holds. */
  public Download open(long agentId, long runId) {
    Run run =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  Run held = accepted(agentId, runId);
                  if (held.checkpointKey == null) {
                    throw ApiException.notFound("checkpoint of run", runId);
                  }
                  return held;
                });
    String key = run.checkpointKey;
    return new Download(
        store.downloadUrl(key, URL_VALID),
        run.checkpointSha256,
        () -> {
          try {
            return store
                .open(key)
                .orElseThrow(() -> ApiException.notFound("checkpoint of run", runId));
          } catch (IOException e) {
            throw new UncheckedIOException("could not read the checkpoint of run " + runId, e);
          }
        });
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A finished run needs no checkpoint. */
  void onChanged(@Observes(during = TransactionPhase.AFTER_SUCCESS) RunEvents.Changed event) {
    String state = event.run().state();
    if ("succeeded".equals(state) || "failed".equals(state) || "cancelled".equals(state)) {
      try {
        store.deleteUnder(folder(event.run().id()));
      } catch (IOException | RuntimeException e) {
        LOG.warnf("run %d: could not delete its checkpoints: %s", event.run().id(), e.getMessage());
      }
    }
  }

  private Integer accepting(long agentId, long runId, int epoch) {
    Run run = accepted(agentId, runId);
    if (epoch < 1 || epoch > run.currentEpoch) {
      throw new ApiException(
          409,
          "run "
              + runId
              + " has stored epochs up to "
              + run.currentEpoch
              + "; a checkpoint of epoch "
              + epoch
              + " is accepted once that epoch's summary point is stored");
    }
    return run.checkpointEpoch;
  }

  private Run accepted(long agentId, long runId) {
    return leases
        .held(agentId, runId)
        .orElseThrow(
            () -> new ApiException(409, "agent " + agentId + " holds no lease on run " + runId));
  }

  private void deleteQuietly(String key) {
    try {
      store.delete(key);
    } catch (IOException e) {
      LOG.warnf("could not delete %s: %s", key, e.getMessage());
    }
  }
}
