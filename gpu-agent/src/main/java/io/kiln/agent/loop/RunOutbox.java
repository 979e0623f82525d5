package io.kiln.agent.loop;

import io.kiln.agent.channel.BackendClient;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.AgentMessage.RunEvent;
import io.kiln.core.protocol.Protocol;
import io.kiln.core.protocol.ProtocolCodec;
import io.kiln.core.protocol.ProtocolException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Run events not yet acknowledged by the backend. Each is written to a file in the outbox folder,
 * then sent, and kept until its Ack arrives; after a reconnect, and after the agent itself
 * restarts, everything still here is resent in order (the backend ignores a sequence number it
 * already stored), so neither a dropped connection nor a killed agent loses a point.
 *
 * <p>Files are written whole and renamed into place, so a kill mid-write leaves no torn event; they
 * are not forced to the disk one by one (a power cut may lose the last few, a kill loses none).
 */
final class RunOutbox {
  private static final Logger LOG = Logger.getLogger(RunOutbox.class.getName());
  private static final Pattern FILE = Pattern.compile("(\\d+)-(\\d+)\\.json");

  private record Key(long runId, long seq) {}

  private final BackendClient backend;
  private final Path dir;
  private final ProtocolCodec codec = new ProtocolCodec();
  private final ConcurrentSkipListMap<Key, RunEvent> pending =
      new ConcurrentSkipListMap<>(Comparator.comparingLong(Key::runId).thenComparingLong(Key::seq));

  /**
   * @param dir the outbox folder; the events a previous agent process left there are loaded
   */
  RunOutbox(BackendClient backend, Path dir) {
    this.backend = backend;
    this.dir = dir;
    try {
      Files.createDirectories(dir);
      load();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use the outbox folder " + dir, e);
    }
  }

  private void load() throws IOException {
    List<Path> files;
    try (Stream<Path> listed = Files.list(dir)) {
      files = listed.toList();
    }
    for (Path file : files) {
      Matcher m = FILE.matcher(file.getFileName().toString());
      if (!m.matches()) {
        Files.deleteIfExists(file); // a half-written temporary file
        continue;
      }
      try {
        AgentMessage message = codec.decodeAgent(Files.readString(file));
        if (message instanceof RunEvent event) {
          pending.put(new Key(event.runId(), event.seq()), event);
          continue;
        }
      } catch (ProtocolException | IOException e) {
        LOG.warning("dropping unreadable outbox file " + file.getFileName() + ": " + e);
      }
      Files.deleteIfExists(file);
    }
    if (!pending.isEmpty()) {
      LOG.info(
          pending.size() + " unacknowledged run events from before the restart will be resent");
    }
  }

  void send(RunEvent event) {
    Key key = new Key(event.runId(), event.seq());
    String text = codec.encode(event);
    if (text.getBytes(StandardCharsets.UTF_8).length > Protocol.MAX_MESSAGE_BYTES) {
      // The backend would refuse it every time: say so once and drop it, never resend it forever.
      LOG.severe(
          "run "
              + event.runId()
              + ": event "
              + event.seq()
              + " ("
              + event.getClass().getSimpleName()
              + ") is larger than the "
              + Protocol.MAX_MESSAGE_BYTES
              + " bytes a message may be; dropped");
      return;
    }
    write(key, text);
    pending.put(key, event);
    backend.send(event);
  }

  void ack(long runId, long seq) {
    synchronized (this) {
      Key key = new Key(runId, seq);
      if (pending.remove(key) != null) {
        try {
          Files.deleteIfExists(file(key));
        } catch (IOException e) {
          LOG.warning("could not delete an acknowledged outbox file: " + e);
        }
      }
      notifyAll();
    }
  }

  void resendAll() {
    pending.values().forEach(backend::send);
  }

  int size() {
    return pending.size();
  }

  /** Waits until every event is acknowledged, or the timeout passes; true when drained. */
  synchronized boolean awaitDrained(long timeout, TimeUnit unit) throws InterruptedException {
    return await(() -> pending.isEmpty(), timeout, unit);
  }

  /** Waits until this run's events up to {@code seq} are acknowledged; true when they are. */
  synchronized boolean awaitAcked(long runId, long seq, long timeout, TimeUnit unit)
      throws InterruptedException {
    return await(
        () ->
            pending.headMap(new Key(runId, seq), true).keySet().stream()
                .noneMatch(k -> k.runId() == runId),
        timeout,
        unit);
  }

  private boolean await(java.util.function.BooleanSupplier done, long timeout, TimeUnit unit)
      throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    while (!done.getAsBoolean()) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        return false;
      }
      wait(left);
    }
    return true;
  }

  private void write(Key key, String text) {
    Path target = file(key);
    Path part = dir.resolve(target.getFileName() + ".part");
    try {
      Files.writeString(part, text, StandardCharsets.UTF_8);
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // The event still goes out; only a restart before its ack could lose it.
      LOG.warning("could not write run event " + key + " to the outbox: " + e);
    }
  }

  private Path file(Key key) {
    return dir.resolve(key.runId() + "-" + key.seq() + ".json");
  }
}
