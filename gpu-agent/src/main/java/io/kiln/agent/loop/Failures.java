package io.kiln.agent.loop;

import io.kiln.agent.training.DatasetException;
import io.kiln.agent.training.StartingWeightsException;
import io.kiln.core.recipe.RecipeException;
import io.kiln.core.run.FailureClass;
import java.util.Locale;

/**
 * Classifies why a run failed on this agent (see {@link FailureClass}): out of memory on the heap
 * or the device, a recipe or dataset the engine cannot train, or anything else, which is taken for
 * the machine's fault and retried elsewhere.
 */
final class Failures {
  private Failures() {}

  static FailureClass classify(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof OutOfMemoryError || outOfMemory(t.getMessage())) {
        return FailureClass.OUT_OF_MEMORY;
      }
    }
    if (error instanceof DatasetException
        || error instanceof RecipeException
        || error instanceof IllegalArgumentException) {
      return FailureClass.RECIPE;
    }
    return FailureClass.INFRASTRUCTURE;
  }

  /** The recipe field a settings problem names, or null. */
  static String field(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof StartingWeightsException s) {
        return s.field();
      }
      if (t instanceof RecipeException r && !r.errors().isEmpty()) {
        return r.errors().get(0).field();
      }
    }
    return null;
  }

  /** The words PyTorch and CUDA use when an allocation fails. */
  private static boolean outOfMemory(String message) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("out of memory")
        || m.contains("can't allocate memory")
        || m.contains("failed to allocate")
        || m.contains("java heap space");
  }

  /** The error in one line for the run page. */
  static String describe(Throwable error) {
    if (error instanceof OutOfMemoryError) {
      return "out of memory (" + error.getMessage() + ")";
    }
    String message = error.getMessage();
    if (message == null) {
      return error.getClass().getSimpleName();
    }
    if (error instanceof java.nio.file.FileSystemException) {
      // its message is just the path: the class says what went wrong
      message = error.getClass().getSimpleName() + ": " + message;
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
