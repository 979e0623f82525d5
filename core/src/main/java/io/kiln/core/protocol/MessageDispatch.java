package io.kiln.core.protocol;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * A table from message record to handler, for one side of the sealed protocol. {@link #unhandled}
 * lists the permitted records without a handler, so a test fails when a message type is added and
 * no one reacts to it (instead of it being silently ignored, as an {@code instanceof} chain would).
 *
 * @param <C> what a handler gets besides the message (e.g. the connection it came on)
 * @param <M> the sealed message type
 */
public final class MessageDispatch<C, M> {
  private final Class<M> root;
  private final Map<Class<?>, BiConsumer<C, M>> handlers = new HashMap<>();

  public MessageDispatch(Class<M> root) {
    this.root = root;
  }

  /** Handles messages of {@code type} with {@code handler}. */
  public <T extends M> MessageDispatch<C, M> on(Class<T> type, BiConsumer<C, T> handler) {
    handlers.put(type, (context, message) -> handler.accept(context, type.cast(message)));
    return this;
  }

  /** Calls the handler of the message's type; a type without one is a programming error. */
  public void dispatch(C context, M message) {
    BiConsumer<C, M> handler = handlers.get(message.getClass());
    if (handler == null) {
      throw new IllegalStateException("no handler for " + message.getClass().getSimpleName());
    }
    handler.accept(context, message);
  }

  /** The simple names of the permitted message records that have no handler (empty when total). */
  public Set<String> unhandled() {
    Set<String> missing = new TreeSet<>();
    for (Class<?> leaf : leaves(root)) {
      if (!handlers.containsKey(leaf)) {
        missing.add(leaf.getSimpleName());
      }
    }
    return missing;
  }

  /** The records a sealed type permits, through sealed sub-interfaces (e.g. RunEvent). */
  public static List<Class<?>> leaves(Class<?> sealed) {
    List<Class<?>> leaves = new ArrayList<>();
    Deque<Class<?>> todo = new ArrayDeque<>(Set.of(sealed));
    while (!todo.isEmpty()) {
      Class<?> type = todo.pop();
      if (type.isSealed()) {
        todo.addAll(List.of(type.getPermittedSubclasses()));
      } else {
        leaves.add(type);
      }
    }
    return leaves;
  }
}
