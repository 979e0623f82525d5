package io.kiln.agent.channel;

import io.kiln.core.protocol.AgentMessage;
import io.kiln.core.protocol.BackendMessage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The agent's only way out: one message channel to the backend plus bulk file transfer. The agent
 * loop is written against this interface, so it is tested against an in-memory backend.
 */
public interface BackendClient extends AutoCloseable {
  /** Opens the channel and keeps it open, reconnecting with back-off, until {@link #close()}. */
  void connect(Listener listener);

  /** Sends if connected; returns false when the message could not be sent now. */
  boolean send(AgentMessage message);

  /**
   * Downloads a backend path (e.g. a dataset archive) to {@code target}.
   *
   * @throws BackendRefusedException when the backend answers with an error status
   */
  void download(String path, Path target) throws IOException;

  /**
   * Uploads a file (e.g. the trained model) to a backend path.
   *
   * @throws BackendRefusedException when the backend answers with an error status
   */
  void upload(String path, Path file) throws IOException;

  @Override
  void close();

  /** Callbacks from the channel; called on the client's I/O thread, one at a time. */
  interface Listener {
    void connected();

    void received(BackendMessage message);

    void disconnected(String reason);
  }
}
