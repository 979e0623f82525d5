package io.kiln.core.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Turns protocol messages into JSON text frames and back. The envelope is the record's fields plus
 * a {@code type} property naming the record; unknown fields are ignored so that fields can be
 * added.
 */
public final class ProtocolCodec {
  private static final Map<String, Class<? extends AgentMessage>> AGENT_TYPES =
      Map.of(
          "hello", AgentMessage.Hello.class,
          "heartbeat", AgentMessage.Heartbeat.class,
          "claimRun", AgentMessage.ClaimRun.class,
          "runStarted", AgentMessage.RunStarted.class,
          "metric", AgentMessage.MetricReport.class,
          "runEvaluated", AgentMessage.RunEvaluated.class,
          "runFinished", AgentMessage.RunFinished.class);

  private static final Map<String, Class<? extends BackendMessage>> BACKEND_TYPES =
      Map.of(
          "welcome", BackendMessage.Welcome.class,
          "rejected", BackendMessage.Rejected.class,
          "workAvailable", BackendMessage.WorkAvailable.class,
          "noWork", BackendMessage.NoWork.class,
          "runAssignment", BackendMessage.RunAssignment.class,
          "cancelRun", BackendMessage.CancelRun.class,
          "ack", BackendMessage.Ack.class,
          "eventRejected", BackendMessage.EventRejected.class);

  private final ObjectMapper mapper =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public String encode(AgentMessage message) {
    return encode(message, typeName(AGENT_TYPES, message.getClass()));
  }

  public String encode(BackendMessage message) {
    return encode(message, typeName(BACKEND_TYPES, message.getClass()));
  }

  /** True when the codec has a wire name for this message record (every permitted one must). */
  public static boolean knows(Class<?> type) {
    return AGENT_TYPES.containsValue(type) || BACKEND_TYPES.containsValue(type);
  }

  public AgentMessage decodeAgent(String json) {
    return decode(json, AGENT_TYPES);
  }

  public BackendMessage decodeBackend(String json) {
    return decode(json, BACKEND_TYPES);
  }

  private String encode(Object message, String type) {
    ObjectNode node = mapper.valueToTree(message);
    node.put(Protocol.TYPE_FIELD, type);
    return node.toString();
  }

  private <T> T decode(String json, Map<String, Class<? extends T>> types) {
    JsonNode node;
    try {
      node = mapper.readTree(json);
    } catch (JsonProcessingException e) {
      throw new ProtocolException("not a JSON message: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new ProtocolException("a message must be a JSON object");
    }
    String type = node.path(Protocol.TYPE_FIELD).asText("");
    Class<? extends T> cls = types.get(type);
    if (cls == null) {
      throw new ProtocolException("unknown message type '" + type + "'");
    }
    try {
      return mapper.treeToValue(node, cls);
    } catch (JsonProcessingException e) {
      throw new ProtocolException("malformed '" + type + "' message: " + e.getOriginalMessage());
    }
  }

  private static String typeName(Map<String, ? extends Class<?>> types, Class<?> cls) {
    return types.entrySet().stream()
        .filter(e -> e.getValue() == cls)
        .map(Map.Entry::getKey)
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("not a protocol message: " + cls));
  }
}
