package io.kiln.core.protocol;

/**
 * Constants of the agent/backend protocol.
 *
 * <p>Messages are JSON text frames over one WebSocket that the agent opens to {@link #AGENT_PATH}.
 * Fields are only ever added; a reader ignores fields it does not know, so the version changes only
 * when a message changes meaning.
 */
public final class Protocol {
  public static final int VERSION = 1;
  public static final String AGENT_PATH = "/ws/agent";

  /**
   * The largest message either side sends or accepts (UTF-8 bytes, one or several frames). The
   * backend closes a connection that sends more with 1009 (message too big), so an agent checks
   * before sending.
   */
  public static final int MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  /** The JSON property that names a message's type in the envelope. */
  public static final String TYPE_FIELD = "type";

  private Protocol() {}
}
