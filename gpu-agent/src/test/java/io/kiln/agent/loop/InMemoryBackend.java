package io.kiln.agent.loop;

import io.kiln.agent.channel.BackendClient;
import io.kiln.agent.channel.BackendRefusedException;
import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A backend held in memory: records what the agent sends and serves files from a map. */
final class InMemoryBackend implements BackendClient {
  final BlockingQueue<AgentMessage> sent = new LinkedBlockingQueue<>();
  final List<AgentMessage> all = new CopyOnWriteArrayList<>();
  final Map<String, Path> files = new ConcurrentHashMap<>();
  final Map<String, byte[]> uploads = new ConcurrentHashMap<>();
  volatile boolean online = true;

  /** Downloads take a minute unless interrupted. */
  volatile boolean slowDownloads;

  /** Acknowledge every run event as the real backend does once it is stored. */
  volatile boolean autoAck = true;

  /** The next this-many uploads fail as if the backend were restarting. */
  final java.util.concurrent.atomic.AtomicInteger unreachableUploads =
      new java.util.concurrent.atomic.AtomicInteger();

  private volatile Listener listener;

  @Override
  public void connect(Listener listener) {
    this.listener = listener;
    listener.connected();
  }

  void reply(BackendMessage message) {
    listener.received(message);
  }

  void reconnect() {
    online = true;
    listener.connected();
  }

  @Override
  public boolean send(AgentMessage message) {
    if (!online) {
      return false;
    }
    all.add(message);
    sent.add(message);
    if (autoAck && message instanceof AgentMessage.RunEvent event) {
      reply(new BackendMessage.Ack(event.runId(), event.seq()));
    }
    return true;
  }

  <T extends AgentMessage> T expect(Class<T> type, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      AgentMessage m = sent.poll(50, TimeUnit.MILLISECONDS);
      if (type.isInstance(m)) {
        return type.cast(m);
      }
    }
    throw new AssertionError("agent sent no " + type.getSimpleName() + " within " + seconds + " s");
  }

  @Override
  public void download(String path, Path target) throws IOException {
    if (slowDownloads) {
      try {
        Thread.sleep(60_000); // a dataset of many GB on a slow link
      } catch (InterruptedException e) {
        // as the real client does: the interrupt stays set and the transfer fails
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    Path source = files.get(path);
    if (source == null) {
      throw new BackendRefusedException("HTTP 404 for " + path);
    }
    Files.copy(source, target);
  }

  @Override
  public void upload(String path, Path file) throws IOException {
    if (unreachableUploads.getAndDecrement() > 0) {
      throw new java.net.ConnectException("Connection refused");
    }
    uploads.put(path, Files.readAllBytes(file));
  }

  @Override
  public void close() {
    online = false;
  }
}
